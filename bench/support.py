"""Shared benchmark plumbing: a throw-away database, a timer, a bare Flask baseline, a table."""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from meetings import create_app
from meetings.extensions import db
from meetings.reference.services import load_reference_data
from meetings.schedule import services as schedule
from meetings.schedule.models import Meeting, MeetingFormat, MeetingKind


def bench_app(folder: Path | None = None, url: str | None = None) -> Flask:
    """The real application on ``url`` (a fresh SQLite file by default), migrated and loaded
    with reference data."""
    folder = folder or Path(tempfile.mkdtemp(prefix="meetings-bench-"))
    app = create_app(
        {
            "ENV_NAME": "testing",
            "DATABASE_URL": url or f"sqlite:///{folder / 'bench.sqlite3'}",
            "INSTANCE_PATH": str(folder / "instance"),
        }
    )
    with app.app_context():
        upgrade()
        load_reference_data()
        db.session.commit()
    return app


def bench_meeting(code: str, first: date, last: date) -> Meeting:
    """A published meeting of the Programme of Action in New York, made through the services."""
    meeting = schedule.create_meeting(
        None,
        schedule.MeetingData(
            process_id=schedule.get_or_create_process(None, code="POA", title="PoA").id,
            code=code,
            title=f"Benchmark meeting {code}",
            kind=MeetingKind.OTHER,
            venue="United Nations Headquarters, New York",
            timezone="America/New_York",
            start_date=first,
            end_date=last,
            format=MeetingFormat.IN_PERSON,
        ),
    )
    schedule.set_published(None, meeting, True)
    return meeting


def bare_flask_ms(runs: int = 500) -> float:
    """Median time of a request to a one-line Flask endpoint: the floor every ratio is taken to."""
    bare = Flask("bare")

    @bare.get("/ping")
    def ping() -> str:
        return "pong"

    client = bare.test_client()
    return timed(lambda: client.get("/ping"), runs)


def timed(action: Callable[[], Any], runs: int, before: Callable[[], Any] | None = None) -> float:
    """Median milliseconds of ``action`` over ``runs`` runs (``before`` runs untimed each time)."""
    samples = []
    for _ in range(runs):
        if before:
            before()
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


@contextmanager
def counted(engine: sa.Engine) -> Any:
    statements: list[str] = []

    def listen(_c: Any, _cur: Any, statement: str, *_a: Any) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE")):
            statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", listen)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", listen)


def table(title: str, header: list[str], rows: list[list[Any]]) -> None:
    from bench.results import plain

    plain(title, header, rows)


_STRIPE: list[object] = []


def loopback_stripe() -> str:
    """The address of the tests' Stripe-compatible server, started once on 127.0.0.1: the
    benchmark's signed webhooks make the application ask Stripe about the payment, and nothing
    may reach the real Stripe (or anywhere but loopback)."""
    from tests.support.stripe_api import RunningStripe

    if not _STRIPE:
        _STRIPE.append(RunningStripe())
    return str(_STRIPE[0].url)  # type: ignore[attr-defined]
