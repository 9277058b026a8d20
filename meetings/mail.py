"""E-mail through a transactional outbox.

A service calls :func:`queue`: the message becomes a row of ``outbox_message`` in the same
transaction as the change that causes it — rolled back with it, committed with it. Nothing is
sent inside a request. Once the transaction commits, a Celery task is queued for each message
(:mod:`meetings.jobs`), and a periodic sweep sends whatever a lost task left (``flask mail
worker`` does the same for operators without Celery). Each claims rows under a lease, sends
them outside any transaction with a timeout, and marks each sent, or schedules a retry with
backoff; after the last attempt a message stays, failed, for an administrator to see and retry.
Nothing is lost when the SMTP server or the worker is down.
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Mapped, Session, mapped_column, scoped_session

from meetings import clock
from meetings.db import AfterCommit, Base, enum_type

if TYPE_CHECKING:
    from flask import Flask

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
LEASE = timedelta(minutes=5)


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    body: str
    reply_to: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class OutboxMessage(Base):
    """One e-mail to send, written in the transaction that decided to send it."""

    __tablename__ = "outbox_message"
    __table_args__ = (sa.Index("ix_outbox_message_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    to: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    reply_to: Mapped[str | None] = mapped_column(sa.String(254))
    headers: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    status: Mapped[OutboxStatus] = mapped_column(
        enum_type(OutboxStatus), default=OutboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=clock.stamp)
    next_attempt_at: Mapped[datetime] = mapped_column(default=clock.stamp)
    leased_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(sa.Text)


def queue(session: Session | scoped_session[Any], message: Message) -> None:
    """Send ``message`` once the transaction of ``session`` commits; nothing if it rolls back."""
    session.add(
        OutboxMessage(
            to=message.to[:254],
            subject=message.subject[:300],
            body=message.body,
            reply_to=message.reply_to,
            headers=dict(message.headers),
        )
    )


def _hand_to_workers(message_ids: list[int]) -> None:
    """After the commit: a task per message, so that it goes at once rather than at the next
    sweep (which sends it anyway if the broker did not take the task)."""
    from meetings.jobs import enqueue
    from meetings.jobs.tasks import SEND_MAIL

    for message_id in message_ids:
        enqueue(SEND_MAIL, message_id)


_to_send: AfterCommit[int] = AfterCommit("meetings_mail_to_send", _hand_to_workers)


@sa.event.listens_for(Session, "pending_to_persistent")
def _written(session: Session, instance: object) -> None:
    if isinstance(instance, OutboxMessage):
        _to_send.add(session, instance.id)


def language_of(address: str, *, fallback: str | None = None) -> str:
    """The language of the account with this address; else ``fallback``, else the application's
    default (someone registered by a focal point, a donor without an account)."""
    from meetings.auth.models import User
    from meetings.extensions import db

    languages = current_app.config["LANGUAGES"]
    chosen = db.session.scalar(sa.select(User.locale).where(User.email == address.lower()))
    for language in (chosen, fallback):
        if language in languages:
            return str(language)
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def send(
    to: str,
    subject: Callable[[], Any],
    template: str,
    *,
    locale: str | None = None,
    **context: Any,
) -> None:
    """Queue one message, written in the recipient's language (``locale``, else the language of
    the account with that address), whoever's request triggers it."""
    from flask import render_template
    from flask_babel import force_locale

    from meetings.extensions import db

    language = locale or language_of(to)
    with force_locale(language):
        body = render_template(template, **context)
        text = str(subject())
    queue(
        db.session,
        Message(to=to, subject=text, body=body, headers={"Content-Language": language}),
    )


# --- backends ------------------------------------------------------------------------------------


class MailBackend(Protocol):
    def send(self, message: EmailMessage) -> None: ...


class FileBackend:
    """Development: each message becomes an .eml file under instance/mail/ and a log line."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def send(self, message: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        path = self.folder / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
        path.write_bytes(bytes(message))
        log.debug("mail to %s: %s (%s)", message["To"], message["Subject"], path)


class SMTPBackend:
    def __init__(self, config: dict[str, Any]) -> None:
        self.host = str(config["SMTP_HOST"])
        self.port = int(config["SMTP_PORT"])
        self.username = config.get("SMTP_USERNAME")
        self.password = config.get("SMTP_PASSWORD")
        self.starttls = bool(config.get("SMTP_STARTTLS", True))
        self.timeout = float(config.get("SMTP_TIMEOUT", 20))

    def send(self, message: EmailMessage) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.username:
                smtp.login(str(self.username), str(self.password or ""))
            smtp.send_message(message)


class MemoryBackend:
    """Tests: messages are appended to ``outbox``."""

    def __init__(self) -> None:
        self.outbox: list[EmailMessage] = []

    def send(self, message: EmailMessage) -> None:
        self.outbox.append(message)


class Mailer:
    """The mail extension. Each application keeps its own backend, chosen by MAIL_BACKEND."""

    def init_app(self, app: Flask) -> None:
        kind = app.config["MAIL_BACKEND"]
        backend: MailBackend
        if kind == "file":
            backend = FileBackend(Path(app.instance_path) / "mail")
        elif kind == "smtp":
            backend = SMTPBackend(app.config)
        elif kind == "memory":
            backend = MemoryBackend()
        else:
            raise RuntimeError(f"unknown MEETINGS_MAIL_BACKEND {kind!r}: use file, smtp or memory")
        app.extensions["meetings_mail"] = backend

    @property
    def backend(self) -> MailBackend:
        return current_app.extensions["meetings_mail"]  # type: ignore[no-any-return]

    @property
    def outbox(self) -> list[EmailMessage]:
        backend = self.backend
        if not isinstance(backend, MemoryBackend):
            raise RuntimeError("the outbox exists only with the memory mail backend")
        return backend.outbox

    def build(self, row: OutboxMessage) -> EmailMessage:
        email = EmailMessage()
        email["From"] = current_app.config["MAIL_SENDER"]
        email["To"] = row.to
        email["Subject"] = row.subject
        email["Date"] = format_datetime(datetime.now(UTC))
        # The same for every attempt at this row: should a worker die between the SMTP server's
        # acceptance and the row marked sent, the second copy is recognisably the same message.
        stamp = int(row.created_at.replace(tzinfo=UTC).timestamp())
        domain = current_app.config["CALENDAR_UID_DOMAIN"]
        email["Message-ID"] = f"<outbox-{row.id}.{stamp}@{domain}>"
        if row.reply_to:
            email["Reply-To"] = row.reply_to
        email.set_content(row.body)
        # After the content: setting it clears every Content-* header (Content-Language too).
        for name, value in (row.headers or {}).items():
            email[name] = value
        return email


# --- the worker ----------------------------------------------------------------------------------


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 … minutes after each failure, at most six hours."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), timedelta(hours=6))


@dataclass
class Delivery:
    sent: int = 0
    retried: int = 0
    failed: int = 0


def _server_unreachable(error: Exception) -> bool:
    """A failure of the connection itself (refused, timed out, dropped), not of this one message
    (a refused recipient). SMTPException is an OSError too, hence the order of the tests."""
    if isinstance(error, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError):
        return True
    return isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)


def _failed(row: OutboxMessage, error: Exception, result: Delivery) -> None:
    row.last_error = f"{type(error).__name__}: {error}"[:2000]
    row.leased_until = None
    if row.attempts >= MAX_ATTEMPTS:
        row.status = OutboxStatus.FAILED
        result.failed += 1
    else:
        row.next_attempt_at = clock.now() + backoff(row.attempts)
        result.retried += 1


def deliver_due(
    session: Session | scoped_session[Any],
    commit: Callable[[], None],
    *,
    limit: int = 50,
    only: Collection[int] | None = None,
) -> Delivery:
    """Send what is due: claim up to ``limit`` rows under a lease (so that a second worker
    leaves them alone), ``commit``, send each outside any transaction, record the outcome."""
    from meetings.extensions import mail

    now = clock.now()
    claim = (
        sa.select(OutboxMessage)
        .where(
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.next_attempt_at <= now,
            sa.or_(OutboxMessage.leased_until.is_(None), OutboxMessage.leased_until < now),
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    )
    if only is not None:
        claim = claim.where(OutboxMessage.id.in_(list(only)))
    if session.get_bind().dialect.name == "postgresql":
        claim = claim.with_for_update(skip_locked=True)
    rows = list(session.scalars(claim))
    for row in rows:
        row.leased_until = now + LEASE
        row.attempts += 1
    commit()
    result = Delivery()
    for position, row in enumerate(rows):
        try:
            mail.backend.send(mail.build(row))
        except (OSError, smtplib.SMTPException) as error:
            log.warning(
                "mail %s to %s not sent (attempt %d): %s", row.id, row.to, row.attempts, error
            )
            _failed(row, error, result)
            if _server_unreachable(error):
                # The server is down or hung: the rest of the batch would wait the same timeout
                # each, outliving the lease. Give them back untried for the next look.
                for untried in rows[position + 1 :]:
                    untried.attempts -= 1
                    untried.leased_until = None
                commit()
                break
        else:
            row.status = OutboxStatus.SENT
            row.sent_at = clock.now()
            row.leased_until = None
            row.last_error = None
            result.sent += 1
        commit()
    return result
