"""The mail worker against an SMTP server on 127.0.0.1 that fails, hangs, then recovers: nothing
is sent inside a request, nothing is lost, nothing is sent twice."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from meetings import clock, mail
from meetings.audit.services import entries_for
from meetings.auth.models import Role
from meetings.extensions import db
from meetings.mail import (
    MAX_ATTEMPTS,
    Message,
    OutboxMessage,
    OutboxStatus,
    SMTPBackend,
    deliver_due,
)
from tests.factories.auth import make_user
from tests.support.concurrency import race
from tests.support.smtp_server import Mode, SMTPServer


@pytest.fixture
def smtp(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[SMTPServer]:
    server = SMTPServer()
    backend = SMTPBackend(
        {
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": server.port,
            "SMTP_STARTTLS": False,
            "SMTP_TIMEOUT": 1,
        }
    )
    monkeypatch.setitem(app.extensions, "meetings_mail", backend)
    yield server
    server.close()


def _queue(subject: str = "Your registration") -> OutboxMessage:
    mail.queue(db.session, Message(to="amina@example.org", subject=subject, body="Hello."))
    db.session.flush()
    return db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()


def _work() -> mail.Delivery:
    return deliver_due(db.session, db.session.flush)


def test_a_request_never_talks_to_the_mail_server(client, smtp: SMTPServer) -> None:
    smtp.mode = Mode.HANG
    make_user(email="someone@example.org")
    db.session.commit()
    response = client.submit("/password/forgot", {"email": "someone@example.org"})
    assert response.status_code == 200
    assert smtp.connections == 0
    waiting = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.to == "someone@example.org")
    ).all()
    assert [row.status for row in waiting] == [OutboxStatus.PENDING]


def test_the_worker_waits_out_a_hung_server_and_a_refusal_then_delivers_once(smtp) -> None:
    start = clock.now()
    row = _queue()

    smtp.mode = Mode.HANG
    assert _work() == mail.Delivery(retried=1)
    assert row.status is OutboxStatus.PENDING
    assert row.attempts == 1
    assert "timed out" in (row.last_error or "")
    assert row.next_attempt_at >= start + timedelta(minutes=1)
    before = smtp.connections
    assert _work() == mail.Delivery()  # not due yet: the server is left alone
    assert smtp.connections == before

    smtp.mode = Mode.REFUSE
    with clock.standing_at(start + timedelta(minutes=2)):
        assert _work() == mail.Delivery(retried=1)
    assert row.attempts == 2
    assert "451" in (row.last_error or "")

    smtp.mode = Mode.ACCEPT
    with clock.standing_at(start + timedelta(minutes=10)):
        assert _work() == mail.Delivery(sent=1)
        assert _work() == mail.Delivery()
    assert row.status is OutboxStatus.SENT
    assert row.last_error is None
    assert [m["Subject"] for m in smtp.received] == ["Your registration"]
    assert smtp.received[0]["To"] == "amina@example.org"


def test_after_the_last_attempt_an_administrator_sees_it_and_sends_it_again(
    client, login, smtp
) -> None:
    smtp.mode = Mode.REFUSE
    row = _queue("Your badge is ready")
    moment = clock.now()
    for _ in range(MAX_ATTEMPTS):
        moment += timedelta(hours=7)
        with clock.standing_at(moment):
            _work()
    assert row.status is OutboxStatus.FAILED
    assert row.attempts == MAX_ATTEMPTS
    db.session.commit()

    admin = login(Role.ADMIN)
    page = client.get("/admin/mail").get_data(as_text=True)
    assert "Your badge is ready" in page
    assert "SMTPSenderRefused: (451, b&#39;4.3.0 try again later&#39;" in page
    assert client.submit(f"/admin/mail/{row.id}/send-again").status_code == 302
    db.session.refresh(row)
    assert row.status is OutboxStatus.PENDING
    assert row.attempts == 0
    assert entries_for(row)[-1].actor_id == admin.id

    smtp.mode = Mode.ACCEPT
    assert _work() == mail.Delivery(sent=1)
    assert client.submit(f"/admin/mail/{row.id}/send-again").status_code == 302
    assert "was sent; there is nothing to send again" in client.get("/admin/mail").get_data(
        as_text=True
    )


def test_a_hung_server_costs_one_timeout_per_look_not_one_per_message(smtp) -> None:
    rows = [_queue(f"m{n}") for n in range(3)]
    smtp.mode = Mode.HANG
    assert _work() == mail.Delivery(retried=1)
    assert smtp.connections == 1
    assert [row.attempts for row in rows] == [1, 0, 0]
    assert [row.leased_until for row in rows] == [None, None, None]
    smtp.mode = Mode.REFUSE  # a refusal of one message: the others are still tried
    assert _work() == mail.Delivery(retried=2)
    assert [row.attempts for row in rows] == [1, 1, 1]


@pytest.mark.parametrize("role", [Role.SECRETARIAT, Role.FUND_ADMINISTRATOR, Role.DELEGATE])
def test_only_administrators_see_the_outgoing_mail(client, login, role) -> None:
    row = _queue()
    db.session.commit()
    login(role)
    assert client.get("/admin/mail").status_code == 403
    assert client.submit(f"/admin/mail/{row.id}/send-again").status_code == 403


@pytest.mark.concurrency
def test_two_workers_at_once_send_each_message_once(committed: Flask, smtp) -> None:
    for number in range(20):
        mail.queue(
            db.session, Message(to=f"p{number}@example.org", subject=f"m{number}", body="Hello.")
        )
    db.session.commit()
    worker = lambda: deliver_due(db.session, db.session.commit, limit=7)  # noqa: E731
    for _ in range(3):
        assert race(committed, [worker, worker]) == ["ok", "ok"]
    subjects = sorted(str(m["Subject"]) for m in smtp.received)
    assert subjects == sorted(f"m{n}" for n in range(20))
    db.session.rollback()
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).where(OutboxMessage.status == OutboxStatus.SENT)
        )
        == 20
    )


def test_the_worker_command_sends_what_is_due(app: Flask, smtp) -> None:
    _queue("From the command")
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["mail", "worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "sent 1" in result.output
    status = app.test_cli_runner().invoke(args=["mail", "status"])
    assert "pending: 0" in status.output


def test_the_worker_waits_out_a_database_that_does_not_answer(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It used to exit; now it waits, longer each time, and goes on when the database is back."""
    from meetings.outbox import cli

    calls: list[str] = []
    pauses: list[float] = []

    def deliver(*_args: object, **_kwargs: object) -> mail.Delivery:
        calls.append("asked")
        if len(calls) <= 2:
            raise sa.exc.OperationalError("SELECT", {}, Exception("connection refused"))
        return mail.Delivery()

    class Enough(Exception):
        pass

    def sleep(seconds: float) -> None:
        pauses.append(seconds)
        if len(pauses) == 3:
            raise Enough

    monkeypatch.setattr(cli, "deliver_due", deliver)
    monkeypatch.setattr(cli.time, "sleep", sleep)
    result = app.test_cli_runner().invoke(args=["mail", "worker", "--interval", "1"])
    assert isinstance(result.exception, Enough)  # it was still running: stopped by the test
    assert len(calls) == 3
    assert pauses == [2.0, 4.0, 1.0]  # backoff while away, the usual interval once back
    assert result.output.count("the database does not answer") == 2
