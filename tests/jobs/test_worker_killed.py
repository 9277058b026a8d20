"""A Celery worker killed with SIGKILL after it sent a message and before it acknowledged the
task: the task comes back to another worker, which finds the message sent and sends nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa
from flask import Flask

from meetings import mail
from meetings.extensions import db
from meetings.jobs.tasks import SEND_MAIL
from meetings.mail import OutboxMessage, OutboxStatus
from tests.conftest import make_app
from tests.support.gunicorn import ROOT
from tests.support.layout import REDIS
from tests.support.smtp_server import SMTPServer

pytestmark = [pytest.mark.slow, pytest.mark.concurrency]


def _worker(environment: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as output:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "tests.support.paused_worker",
                "worker",
                "--pool=solo",
                "--loglevel=info",
            ],
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _until(condition, seconds: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"{what} within {seconds} s")


def test_a_worker_killed_before_acknowledging_does_not_send_twice(
    committed: Flask, database_url: str, tmp_path: Path
) -> None:
    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {REDIS}")
    prefix = f"test-{os.getpid()}-{time.monotonic_ns()}"
    settings = {
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS,
        "CELERY_BROKER_URL": REDIS,
        "REDIS_PREFIX": prefix,
        "CELERY_QUEUE": prefix,
        "CELERY_VISIBILITY_TIMEOUT": "3",
        "MAIL_BACKEND": "smtp",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_STARTTLS": "false",
    }
    smtp = SMTPServer()
    pause = tmp_path / "pause"
    environment = {
        **os.environ,
        **{f"MEETINGS_{key}": value for key, value in settings.items()},
        "MEETINGS_ENV": "testing",
        "MEETINGS_SMTP_PORT": str(smtp.port),
        "MEETINGS_INSTANCE_PATH": str(tmp_path / "worker"),
        "MEETINGS_TEST_PAUSE_FILE": str(pause),
    }
    log = tmp_path / "worker.log"
    sender = make_app(database_url, tmp_path / "sender", **settings)
    processes: list[subprocess.Popen[bytes]] = []
    try:
        mail.queue(db.session, mail.Message(to="once@example.org", subject="Once", body="b"))
        db.session.commit()
        row_id = db.session.scalar(
            sa.select(OutboxMessage.id).where(OutboxMessage.to == "once@example.org")
        )
        db.session.rollback()
        task_id = sender.extensions["celery"].send_task(SEND_MAIL, args=[row_id]).id

        pause.touch()
        processes.append(_worker(environment, log))
        reached = Path(f"{pause}.reached")
        _until(lambda: reached.exists() and reached.read_text(), 60, "the task did not run")
        assert len(smtp.received) == 1
        status = db.session.scalar(
            sa.select(OutboxMessage.status).where(OutboxMessage.id == row_id)
        )
        db.session.rollback()
        assert status is OutboxStatus.SENT
        os.killpg(processes[0].pid, signal.SIGKILL)  # sent and recorded, not acknowledged
        processes[0].wait(timeout=10)

        pause.unlink()
        processes.append(_worker(environment, log))
        # The broker hands the unacknowledged task to the new worker; it finds the row sent.
        _until(
            lambda: log.read_text(errors="replace").count(f"{SEND_MAIL}[{task_id}] received") == 2,
            60,
            "the task was not handed out again",
        )
        _until(
            lambda: log.read_text(errors="replace").count(f"[{task_id}] succeeded in") == 2,
            30,
            "the task did not end",
        )
        second_run = log.read_text().rsplit(f"[{task_id}] succeeded in", 1)[1].splitlines()[0]
        assert second_run.endswith(": 0")  # it found the message sent: nothing to send
        assert len(smtp.received) == 1
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=15)
        smtp.close()
        client = redis.Redis.from_url(REDIS)
        for key in client.scan_iter(match=f"*{prefix}*", count=500):
            client.delete(key)
