"""Background work on Celery: a task per committed message, the sweep behind it, the schedule,
and every task idempotent (run twice, the second run does nothing)."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from meetings import jobs, mail
from meetings.extensions import db
from meetings.extensions import mail as mailer
from meetings.jobs import schedule, tasks
from meetings.mail import OutboxMessage, OutboxStatus
from tests.conftest import make_app
from tests.factories.auth import make_user
from tests.factories.registration import make_open_meeting, register
from tests.support import documents


@pytest.fixture
def queued(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, tuple[object, ...]]]:
    """The tasks handed to the broker."""
    handed: list[tuple[str, tuple[object, ...]]] = []

    def enqueue(name: str, *args: object) -> bool:
        handed.append((name, args))
        return True

    monkeypatch.setattr(jobs, "enqueue", enqueue)
    return handed


def _message(to: str = "delegate@example.org") -> OutboxMessage:
    mail.queue(db.session, mail.Message(to=to, subject="Your registration", body="Received."))
    db.session.flush()
    return db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.to == to)).one()


def test_a_committed_message_is_handed_to_a_worker_and_a_rolled_back_one_is_not(queued) -> None:
    with db.session.begin_nested():
        kept = _message("kept@example.org")
    savepoint = db.session.begin_nested()
    _message("dropped@example.org")
    savepoint.rollback()
    assert queued == []  # nothing before the commit
    db.session.commit()
    assert queued == [(tasks.SEND_MAIL, (kept.id,))]


def test_the_task_sends_its_message_once_however_often_it_runs(app: Flask, outbox) -> None:
    row = _message()
    db.session.commit()
    send = app.extensions["celery"].tasks[tasks.SEND_MAIL]
    assert send.apply(args=[row.id]).get() == 1  # through Celery, in the app's context
    assert send.apply(args=[row.id]).get() == 0  # redelivered: already sent
    assert tasks.deliver_outbox() == 0  # and the sweep finds nothing left
    db.session.refresh(row)
    assert row.status is OutboxStatus.SENT
    assert [m["To"] for m in outbox] == ["delegate@example.org"]


def test_the_message_id_is_the_same_at_every_attempt(app: Flask) -> None:
    row = _message()
    first, second = mailer.build(row), mailer.build(row)
    assert first["Message-ID"] == second["Message-ID"]
    assert first["Message-ID"].startswith(f"<outbox-{row.id}.")


def test_with_the_broker_down_the_commit_stands_and_the_sweep_sends(
    database_url: str, tmp_path: Path
) -> None:
    from meetings import metrics

    down = make_app(database_url, tmp_path, CELERY_BROKER_URL="redis://127.0.0.1:1/0")
    before = metrics.TASKS_NOT_QUEUED.labels(task=tasks.SEND_MAIL)._value.get()
    with down.app_context():
        assert jobs.enqueue(tasks.SEND_MAIL, 1) is False
    after = metrics.TASKS_NOT_QUEUED.labels(task=tasks.SEND_MAIL)._value.get()
    assert after == before + 1
    row = _message("swept@example.org")
    db.session.commit()  # whatever the broker: the row is there
    assert tasks.deliver_outbox() == 1
    db.session.refresh(row)
    assert row.status is OutboxStatus.SENT


def test_a_lost_task_is_made_up_by_the_sweep(app: Flask, queued, outbox) -> None:
    rows = [_message(f"person{n}@example.org") for n in range(3)]
    db.session.commit()
    assert len(queued) == 3
    assert tasks.deliver_outbox() == 3  # none of the tasks ran
    assert sorted(m["To"] for m in outbox) == sorted(r.to for r in rows)


def test_the_schedule_names_registered_tasks_and_the_backup_only_when_configured(
    app: Flask, database_url: str, tmp_path: Path
) -> None:
    celery = app.extensions["celery"]
    planned = schedule.beat_schedule(app)
    assert {entry["task"] for entry in planned.values()} <= set(celery.tasks)
    assert tasks.BACKUP not in {entry["task"] for entry in planned.values()}
    assert celery.conf.beat_schedule == planned
    assert celery.conf.task_acks_late
    assert celery.conf.task_reject_on_worker_lost
    backed_up = make_app(database_url, tmp_path, BACKUP_FOLDER=str(tmp_path / "backups"))
    names = {e["task"] for e in backed_up.extensions["celery"].conf.beat_schedule.values()}
    assert tasks.BACKUP in names


def test_the_embedded_broker_needs_no_service(database_url: str, tmp_path: Path) -> None:
    plain = make_app(database_url, tmp_path, CELERY_BROKER_URL=None, REDIS_URL=None)
    assert jobs.broker_url(plain).startswith("filesystem://")
    assert (tmp_path / "celery-broker" / "queue").is_dir()
    with plain.app_context():
        assert jobs.enqueue(tasks.SEND_MAIL, 12345) is True
    assert len(list((tmp_path / "celery-broker" / "queue").iterdir())) == 1


def test_the_orphan_sweep_task_leaves_documents_with_rows(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    from meetings import clock
    from tests.factories.registration import DURING_REGISTRATION

    monkeypatch.setattr(clock, "now", lambda: DURING_REGISTRATION)
    letter = register(make_user(), make_open_meeting()).nomination_letter.stored_name
    db.session.commit()
    assert tasks.sweep_documents() == 0
    assert documents.stored_bytes(letter)


@pytest.mark.concurrency
def test_the_nightly_backup_keeps_the_newest_ones(
    committed: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import UTC, datetime, timedelta

    from meetings import clock

    monkeypatch.setitem(committed.config, "BACKUP_FOLDER", str(tmp_path / "backups"))
    monkeypatch.setitem(committed.config, "BACKUP_KEEP", 2)
    assert tasks.nightly_backup() is not None
    made = []
    start = datetime(2026, 12, 6, 2, tzinfo=UTC)
    for day in range(3):
        monkeypatch.setattr(clock, "now", lambda day=day: start + timedelta(days=day + 1))
        made.append(tasks.nightly_backup())
    kept = sorted(p.name for p in (tmp_path / "backups").iterdir())
    assert kept == [p.name for p in made[-2:]]
    monkeypatch.setitem(committed.config, "BACKUP_FOLDER", None)
    assert tasks.nightly_backup() is None
