"""make bench, part two: growth. Time and queries of the pages that grow with the data, in one
process against a fresh database (SQLite, or MEETINGS_DATABASE_URL emptied first):

- 1,000, 10,000 and 100,000 registrations in one meeting: the secretariat's registrations list,
  the statistics page and the CSV export (time, bytes, peak Python memory while streaming);
- 100, 1,000 and 10,000 sittings in one meeting: the public programme (first build, nothing kept),
  the secretariat's programme page and the feed's first build;
- a 20,000-row programme import.

Targets: list and statistics flat in queries; exports linear in time with flat peak memory; a
10,000-sitting feed built in under 2 s; the 20,000-row import under 5 s.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask

from bench import dataset
from bench.results import database_name, markdown, plain, stamp, write_section
from bench.support import bench_app, counted
from meetings.auth import services as accounts
from meetings.auth.models import Role
from meetings.extensions import db
from meetings.schedule import rooms as room_services
from meetings.schedule.models import Meeting
from meetings.schedule.programme_import import import_programme


def _app(folder: Path) -> tuple[Flask, str]:
    from bench.load import _database

    url = _database(folder)
    return bench_app(folder, url), url


def _measure(client: Any, engine: sa.Engine, url: str, runs: int = 3) -> tuple[float, int]:
    """Median ms of ``runs`` GETs of ``url`` (after one untimed), and its queries."""
    assert client.get(url).status_code == 200, url
    with counted(engine) as statements:
        client.get(url)
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        b"".join(response.response)
        samples.append((time.perf_counter() - started) * 1000)
    return sorted(samples)[len(samples) // 2], len(statements)


def _export(client: Any, url: str) -> tuple[float, int, int]:
    tracemalloc.start()
    started = time.perf_counter()
    response = client.get(url)
    length = sum(len(chunk) for chunk in response.response)
    elapsed = (time.perf_counter() - started) * 1000
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, length, peak


def _login(app: Flask, client: Any, email: str) -> None:
    with app.app_context():
        user = accounts.register_user(email=email, password=dataset.PASSWORD, full_name="Bench")
        accounts.grant_role(None, user, Role.SECRETARIAT)
        db.session.commit()
    from bench.bench_fund import _csrf

    client.post(
        "/login",
        data={"email": email, "password": dataset.PASSWORD, "csrf_token": _csrf(app, client)},
    )


def registrations(app: Flask, client: Any) -> list[list[str]]:
    rows = []
    for n, size in enumerate((1_000, 10_000, 100_000)):
        with app.app_context():
            meeting = dataset._meeting(f"GROW-{n}", date(2019, 6, 3) + timedelta(days=n * 7), 5)
            dataset._registrations([meeting], size)
            db.session.commit()
            meeting_id, code, engine = meeting.id, meeting.code, db.engine
        listing, list_q = _measure(
            client, engine, f"/secretariat/registrations?meeting={meeting_id}&status=accredited"
        )
        stats_ms, stats_q = _measure(client, engine, f"/secretariat/meetings/{code}/statistics")
        export_ms, length, peak = _export(client, f"/secretariat/meetings/{code}/registrations.csv")
        rows.append(
            [
                f"{size:,}",
                f"{listing:.0f} ms / {list_q} q",
                f"{stats_ms:.0f} ms / {stats_q} q",
                f"{export_ms:,.0f} ms",
                f"{length / 1e6:.1f} MB",
                f"{peak / 1024:,.0f} KiB",
            ]
        )
    return rows


def sittings(app: Flask, client: Any) -> list[list[str]]:
    rows = []
    with app.app_context():
        rooms = [
            room_services.create_room(None, room_services.RoomData(f"Growth room {n}", "G", 50)).id
            for n in range(20)
        ]
        db.session.commit()
    for n, size in enumerate((100, 1_000, 10_000)):
        with app.app_context():
            days = max(1, size // (8 * len(rooms)) + 1)
            meeting = dataset._meeting(f"PROG-{n}", date(2020, 3, 2) + timedelta(days=n * 40), days)
            dataset._sittings(meeting, size, rooms)
            db.session.commit()
            code, engine = meeting.code, db.engine
        # The first build: a new language each time, so that nothing kept is served.
        public = app.test_client()  # a visitor: the page that is kept for everyone
        programme, programme_q = _first(public, engine, f"/meetings/{code}")
        manage, manage_q = _measure(client, engine, f"/secretariat/meetings/{code}")
        size_kb = len(client.get(f"/secretariat/meetings/{code}").data) / 1024
        feed, feed_q = _first(public, engine, f"/meetings/{code}/calendar.ics")
        rows.append(
            [
                f"{size:,}",
                f"{programme:,.0f} ms / {programme_q} q",
                f"{manage:,.0f} ms / {manage_q} q, {size_kb:,.0f} KiB",
                f"{feed:,.0f} ms / {feed_q} q",
            ]
        )
    return rows


def _first(client: Any, engine: sa.Engine, url: str) -> tuple[float, int]:
    """Time and queries of a page or feed built from scratch (the byte cache emptied): the
    median of three builds, after one that compiles the templates (a cost paid once per
    process, not per build)."""
    from meetings.cache import MemoryCache

    times, queries = [], 0
    for attempt in range(4):
        client.application.extensions["meetings_cache"] = MemoryCache()
        with counted(engine) as statements:
            started = time.perf_counter()
            response = client.get(url)
            b"".join(response.response)
            elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, url
        if attempt:
            times.append(elapsed)
            queries = len(statements)
    return statistics.median(times), queries


def programme_import(app: Flask) -> float:
    with app.app_context():
        meeting = dataset._meeting("IMPORT", date(2021, 1, 4), 100)
        for n in range(20):
            room_services.create_room(None, room_services.RoomData(f"Import room {n}", "I", 50))
        db.session.commit()
        lines = ["number,date,start,end,kind,title,room"]
        for n in range(20_000):
            day, slot = divmod(n, 200)  # twenty rooms, ten one-hour slots a day each
            room, hour = divmod(slot, 10)
            first = meeting.start_date + timedelta(days=day)
            lines.append(
                f"{n + 1},{first.isoformat()},{8 + hour:02d}:00,{8 + hour:02d}:50,plenary,"
                f"Imported sitting {n + 1},Import room {room}"
            )
        text = "\n".join(lines) + "\n"
        found = db.session.get_one(Meeting, meeting.id)
        started = time.perf_counter()
        result = import_programme(None, found, text)
        db.session.commit()
        elapsed = time.perf_counter() - started
        assert result.created == 20_000, result
    return elapsed


def main(*, on: Callable[[], None] | None = None) -> None:
    folder = Path(tempfile.mkdtemp(prefix="meetings-growth-"))
    app, url = _app(folder)
    client = app.test_client()
    _login(app, client, "growth@bench.example.org")
    print("\nGrowth (in one process)")
    registration_rows = registrations(app, client)
    sitting_rows = sittings(app, client)
    seconds = programme_import(app)
    r_header = ["registrations", "list", "statistics", "CSV export", "exported", "export peak"]
    s_header = [
        "sittings",
        "public programme, first build",
        "secretariat page 1",
        "feed, first build",
    ]
    plain("Registrations (median of 3; queries per request)", r_header, registration_rows)
    plain("Sittings (first builds: nothing kept)", s_header, sitting_rows)
    print(f"\nProgramme import, 20,000 rows: {seconds:.1f} s (target < 5 s)")
    text = (
        f"## Growth — {stamp(url)}\n\n"
        "In one process (Flask test client). Registrations: median of 3 requests and the queries "
        "of one.\n\n"
        + markdown(r_header, registration_rows)
        + "\n\nSittings: the public programme and the feed built from scratch (nothing kept).\n\n"
        + markdown(s_header, sitting_rows)
        + f"\n\nProgramme import of 20,000 rows: {seconds:.1f} s.\n"
    )
    write_section(f"growth-{database_name(url).lower()}", text)
    if os.environ.get("MEETINGS_DATABASE_URL") is None:
        db_file = folder / "bench.sqlite3"
        print(f"  database: {db_file} ({db_file.stat().st_size / 1e6:.0f} MB)")


if __name__ == "__main__":
    main()
