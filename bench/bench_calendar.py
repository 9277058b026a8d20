"""Calendar feeds and the programme page: build time, cached time, 304 time, queries per request.

Targets (issue 3): a 1,000-sitting feed built in under 300 ms; a repeat request for an unchanged
feed under 5 ms; the 304 path builds nothing; at most 3 queries per feed request and per programme
page, the same for 10 and 10,000 sittings.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from bench.support import bare_flask_ms, bench_app, bench_meeting, counted, table, timed
from meetings.extensions import db
from meetings.schedule import rooms as room_services
from meetings.schedule.models import Meeting, Sitting, SittingKind


def _meeting(code: str, sittings: int, rooms: list[int]) -> Meeting:
    days = max(1, sittings // 40 + 1)
    meeting = bench_meeting(code, date(2018, 1, 1), date(2018, 1, 1) + timedelta(days=days))
    start = datetime(2018, 1, 1, 13, 0, tzinfo=UTC)
    now = datetime(2018, 1, 1, tzinfo=UTC)
    kinds = list(SittingKind)
    rows = []
    for n in range(sittings):
        day, slot = divmod(n, 40)
        begins = start + timedelta(days=day, minutes=15 * (slot // len(rooms)))
        rows.append(
            {
                "meeting_id": meeting.id,
                "number": n + 1,
                "kind": kinds[n % 4].value,
                "title": f"Sitting {n + 1}: consultations, drafting; and more",
                "agenda_items": "Item one\nItem two",
                "starts_at": begins,
                "ends_at": begins + timedelta(minutes=15),
                "room_id": rooms[n % len(rooms)],
                "status": "scheduled",
                "revision": 0,
                "created_at": now,
                "updated_at": now,
            }
        )
    db.session.execute(sa.insert(Sitting.__table__), rows)
    return meeting


def main() -> None:
    app = bench_app()
    with app.app_context():
        room_ids = [
            room_services.create_room(None, room_services.RoomData(f"Room {n}", "HQ", 100)).id
            for n in range(8)
        ]
        for code, size in (("SMALL", 10), ("FEED", 1000), ("HUGE", 10_000)):
            _meeting(code, size, room_ids)
        db.session.commit()
        engine = db.engine
    client = app.test_client()
    cache = app.extensions["meetings_cache"]
    baseline = bare_flask_ms()

    cold = timed(lambda: client.get("/meetings/FEED/calendar.ics"), 15, before=cache.__init__)
    warm = timed(lambda: client.get("/meetings/FEED/calendar.ics"), 300)
    etag = client.get("/meetings/FEED/calendar.ics").headers["ETag"]
    not_modified = timed(
        lambda: client.get("/meetings/FEED/calendar.ics", headers={"If-None-Match": etag}), 300
    )
    page = timed(lambda: client.get("/meetings/FEED"), 30)
    size = len(client.get("/meetings/FEED/calendar.ics").data)

    rows = [
        ["bare Flask endpoint (baseline)", f"{baseline:.2f}", "1.0", "", ""],
        [
            "feed, 1,000 sittings, first build",
            f"{cold:.1f}",
            f"{cold / baseline:.0f}",
            "< 300 ms",
            "ok" if cold < 300 else "MISSED",
        ],
        [
            "feed, 1,000 sittings, unchanged (cache)",
            f"{warm:.2f}",
            f"{warm / baseline:.1f}",
            "< 5 ms",
            "ok" if warm < 5 else "MISSED",
        ],
        [
            "feed, If-None-Match (304)",
            f"{not_modified:.2f}",
            f"{not_modified / baseline:.1f}",
            "",
            "",
        ],
        ["programme page, 1,000 sittings", f"{page:.1f}", f"{page / baseline:.0f}", "", ""],
    ]
    table(
        f"Calendar feeds (median ms; feed is {size / 1024:.0f} KiB)",
        ["request", "ms", "× bare", "target", ""],
        rows,
    )

    query_rows = []
    for code, size in (("SMALL", 10), ("HUGE", 10_000)):
        cache.__init__()
        counts = []
        for url in (
            f"/meetings/{code}/calendar.ics",
            f"/meetings/{code}",
            f"/meetings/{code}/calendar/plenary.ics",
        ):
            with counted(engine) as statements:
                assert client.get(url).status_code == 200
            counts.append(len(statements))
        etag = client.get(f"/meetings/{code}/calendar.ics").headers["ETag"]
        with counted(engine) as statements:
            client.get(f"/meetings/{code}/calendar.ics", headers={"If-None-Match": etag})
        query_rows.append([f"{size:,}", *counts, len(statements)])
    table(
        "Queries per request (target: at most 3, the same for 10 and 10,000 sittings)",
        ["sittings", "feed", "programme page", "plenary feed", "304"],
        query_rows,
    )


if __name__ == "__main__":
    main()
