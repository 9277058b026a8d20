"""The JSON API and the floor at scale, in process: a programme of 1,000 sittings read through
the API (200 a page, and the 304 a subscriber gets while it is unchanged), the general debate
with every Member State inscribed (the public page, its JSON and the API's), and a page of the
secretariat's registrations with a token — median time against a bare Flask endpoint, and the
queries each asks with little data and with much."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from bench.results import markdown, write_section
from bench.support import bare_flask_ms, bench_app, bench_meeting, counted, table, timed
from meetings import clock
from meetings.api import tokens
from meetings.auth import services as accounts
from meetings.auth.models import Role
from meetings.extensions import db
from meetings.floor import lists, speakers
from meetings.floor.order import Level
from meetings.reference.models import State, UNStatus
from meetings.schedule.models import SittingKind
from meetings.schedule.sittings import SittingData, schedule_sitting

MOMENT = datetime(2018, 6, 18, 15, tzinfo=UTC)
LEVELS = list(Level)


def _sittings(meeting: object, count: int, start: int = 0) -> None:
    first = date(2018, 6, 18)
    for n in range(start, start + count):
        schedule_sitting(
            None,
            meeting,  # type: ignore[arg-type]
            SittingData(
                kind=SittingKind.PLENARY,
                title=f"Sitting {n + 1}",
                day=first + timedelta(days=n // 8),
                start=time(8 + n % 8),
                end=time(8 + n % 8, 50),
                room_id=None,
                agenda_items="General debate",
            ),
        )


def _inscribe(found: object, states: list[State]) -> None:
    for number, state in enumerate(states):
        focal = accounts.register_user(
            email=f"focal-{state.alpha2.lower()}@bench.example.org",
            password="benchmark password",
            full_name=f"Focal point of {state.name}",
            verified=True,
        )
        accounts.grant_role(None, focal, Role.FOCAL_POINT, accounts.RoleScope(state=state))
        speakers.inscribe_state(focal, found, state.id, LEVELS[number % len(LEVELS)], None)  # type: ignore[arg-type]


def main() -> None:
    app = bench_app()
    with clock.standing_at(MOMENT), app.app_context():
        members = list(
            db.session.scalars(
                sa.select(State).where(State.un_status == UNStatus.MEMBER).order_by(State.name)
            )
        )
        meeting = bench_meeting("API-BENCH", date(2018, 6, 18), date(2018, 12, 31))
        _sittings(meeting, 10)
        desk = accounts.register_user(
            email="desk@bench.example.org", password="x" * 12, full_name="Desk", verified=True
        )
        accounts.grant_role(None, desk, Role.SECRETARIAT)
        found = lists.create_list(
            desk, meeting.id, "General debate", MOMENT - timedelta(days=9), 300
        )
        _inscribe(found, members[:10])
        _row, secret = tokens.create(desk, "bench", ["read"], 30)
        db.session.commit()
        code, list_id, engine = meeting.code, found.id, db.engine
    client = app.test_client()
    bearer = {"Authorization": f"Bearer {secret}"}
    urls = {
        "API sittings, 200 a page": (f"/api/v1/meetings/{code}/sittings?limit=200", {}),
        "API registrations with a token (empty: the token's cost)": (
            f"/api/v1/meetings/{code}/registrations",
            bearer,
        ),
        "list of speakers, page": (f"/speakers/{list_id}", {}),
        "list of speakers, JSON": (f"/speakers/{list_id}.json", {}),
        "API list of speakers": (f"/api/v1/speakers/{list_id}", {}),
    }
    with clock.standing_at(MOMENT):
        small = {}
        for name, (url, headers) in urls.items():
            assert client.get(url, headers=headers).status_code == 200, url
            with counted(engine) as statements:
                client.get(url, headers=headers)
            small[name] = len(statements)
        with app.app_context():
            meeting = db.session.merge(meeting)
            _sittings(meeting, 990, start=10)
            _inscribe(db.session.merge(found), members[10:])
            db.session.commit()
        etag = client.get(urls["API sittings, 200 a page"][0]).headers["ETag"]
        urls["API sittings, 304 (unchanged)"] = (
            urls["API sittings, 200 a page"][0],
            {"If-None-Match": etag},
        )
        baseline = bare_flask_ms()
        rows, queries = [], []
        for name, (url, headers) in urls.items():
            with counted(engine) as statements:
                client.get(url, headers=headers)
            ms = timed(lambda url=url, headers=headers: client.get(url, headers=headers), 30)
            queries.append([name, small.get(name, "—"), len(statements)])
            rows.append(
                [f"{name}, 1,000 sittings / 193 speakers", f"{ms:.1f}", f"{ms / baseline:.0f}"]
            )
    header = ["API and floor", "median ms", "× bare Flask"]
    table("The JSON API and the floor (in process)", header, rows)
    query_header = ["page", "queries, 10 sittings / 10 speakers", "queries, 1,000 / 193"]
    table("The JSON API and the floor: queries", query_header, queries)
    write_section(
        "api",
        "## The JSON API and the floor (in process)\n\n"
        + markdown(header, rows)
        + "\n\n"
        + markdown(query_header, queries),
    )


if __name__ == "__main__":
    main()
