"""Sending e-mail: messages are queued on the database session and delivered after it commits.

A service calls :func:`queue`; nothing leaves the building unless the transaction that decided to
send it commits. Rolled-back work sends nothing.
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy.orm import Session, scoped_session

if TYPE_CHECKING:
    from flask import Flask

from flask import current_app

from meetings.db import AfterCommit

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    body: str
    reply_to: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


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
        log.info("mail to %s: %s (saved to %s)", message["To"], message["Subject"], path)
        body = message.get_body(("plain",))
        if body is not None:
            log.info("%s", body.get_content())


class SMTPBackend:
    def __init__(self, config: dict[str, Any]) -> None:
        self.host = str(config["SMTP_HOST"])
        self.port = int(config["SMTP_PORT"])
        self.username = config.get("SMTP_USERNAME")
        self.password = config.get("SMTP_PASSWORD")
        self.starttls = bool(config.get("SMTP_STARTTLS", True))

    def send(self, message: EmailMessage) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=30) as smtp:
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

    def build(self, message: Message) -> EmailMessage:
        email = EmailMessage()
        email["From"] = current_app.config["MAIL_SENDER"]
        email["To"] = message.to
        email["Subject"] = message.subject
        email["Date"] = format_datetime(datetime.now(UTC))
        email["Message-ID"] = make_msgid(domain="meetings")
        if message.reply_to:
            email["Reply-To"] = message.reply_to
        for name, value in message.headers.items():
            email[name] = value
        email.set_content(message.body)
        return email

    def deliver(self, messages: list[Message]) -> None:
        backend = self.backend
        for message in messages:
            try:
                backend.send(self.build(message))
            except (OSError, smtplib.SMTPException):
                log.exception("could not send mail to %s: %s", message.to, message.subject)


def _deliver(messages: list[Message]) -> None:
    from meetings.extensions import mail

    mail.deliver(messages)


# Messages are sent once the transaction that decided to send them commits; dropped otherwise.
_outbox: AfterCommit[Message] = AfterCommit("meetings_outbox", _deliver)


def queue(session: Session | scoped_session[Any], message: Message) -> None:
    """Send ``message`` once ``session`` commits; drop it if the session rolls back."""
    _outbox.add(session, message)
