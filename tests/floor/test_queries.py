"""The lists' pages ask the database a fixed number of times: as many with 10 speakers as with
all 193 Member States, named speakers and exchanges of places included."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from meetings.auth.models import Role
from meetings.extensions import db
from meetings.floor import swaps
from meetings.floor.models import Inscription
from meetings.floor.order import GAP, Level, SpeakerKind
from meetings.reference.models import State, UNStatus
from tests.floor.conftest import OPENS
from tests.floor.factories import delegate, focal, open_list
from tests.support import page_query_counts


def _inscribe(found, states: list[State], start: int) -> None:
    """Inscriptions written directly, in order, each third with a named speaker (what the
    service writes; the service is tested elsewhere)."""
    for number, state in enumerate(states, start=start):
        speaker = delegate(found, state.alpha2) if number % 3 == 0 else None
        db.session.add(
            Inscription(
                list_id=found.id,
                kind=SpeakerKind.STATE,
                state_id=state.id,
                level=list(Level)[number % len(Level)],
                speaker_registration_id=speaker.id if speaker else None,
                inscribed_at=OPENS + timedelta(seconds=number),
                position=(number + 1) * GAP,
            )
        )
    db.session.flush()


def test_the_list_pages_ask_a_fixed_number_of_times(client, login, queries) -> None:
    members = db.session.scalars(
        sa.select(State).where(State.un_status == UNStatus.MEMBER).order_by(State.name)
    ).all()
    assert len(members) == 193
    desk, found = open_list()
    _inscribe(found, members[:10], 0)
    rows = db.session.scalars(sa.select(Inscription).order_by(Inscription.id)).all()
    swaps.propose(desk, rows[0], rows[1])
    db.session.commit()
    login(Role.SECRETARIAT)
    urls = [
        f"/speakers/{found.id}",
        f"/speakers/{found.id}.json",
        f"/speakers/{found.id}/print",
        f"/secretariat/speakers/{found.id}",
        f"/meetings/{found.meeting.code}/speakers",
    ]
    small = page_query_counts(client, queries, urls)
    _inscribe(found, members[10:], 10)
    more = db.session.scalars(sa.select(Inscription).order_by(Inscription.id)).all()
    swaps.propose(desk, more[5], more[150])
    db.session.commit()
    assert page_query_counts(client, queries, urls) == small


def test_a_focal_points_view_of_a_long_list_asks_a_fixed_number_of_times(
    client, login, queries
) -> None:
    members = db.session.scalars(
        sa.select(State).where(State.un_status == UNStatus.MEMBER).order_by(State.name)
    ).all()
    _desk, found = open_list()
    _inscribe(found, members[:10], 0)
    db.session.commit()
    login(focal(members[0].alpha2))
    url = f"/speakers/{found.id}"
    small = page_query_counts(client, queries, [url])
    _inscribe(found, members[10:], 10)
    db.session.commit()
    assert page_query_counts(client, queries, [url]) == small


def _statements_and_side_events(meeting, sitting, desk, states: list[State], slot) -> None:
    """A statement and a side-event request from each State (through the services)."""
    from meetings.floor import side_events, statements
    from meetings.floor.statement_models import StatementLanguage
    from tests.floor.test_statements import statement_file

    for state in states:
        focal_point = focal(state.alpha2)
        statements.upload(
            focal_point,
            meeting,
            statements.delegation_for(focal_point, meeting, create=True),
            statements.StatementData(sitting.id, "", StatementLanguage.ENGLISH, embargoed=False),
            statement_file(),
        )
        side_events.request_side_event(
            focal_point,
            meeting,
            side_events.SideEventData(
                title=f"Side event of {state.name}",
                description="A panel.",
                co_sponsors="",
                expected_audience=40,
                languages=["en"],
                accessibility="",
                preferred_slot_ids=[slot.id],
            ),
        )
    db.session.commit()


def test_the_statements_and_side_events_pages_ask_a_fixed_number_of_times(
    client, login, queries
) -> None:
    from datetime import date, time

    from meetings.floor.side_event_models import SlotKind
    from meetings.floor.side_event_slots import offer_slots
    from tests.factories.schedule import make_sitting

    members = db.session.scalars(
        sa.select(State).where(State.un_status == UNStatus.MEMBER).order_by(State.name)
    ).all()
    desk, found = open_list()
    meeting = found.meeting
    sitting = make_sitting(meeting, number=1)
    slot = offer_slots(
        desk, meeting, SlotKind.LUNCHTIME, time(13, 15), time(14, 30), [date(2018, 6, 19)]
    )[0]
    _statements_and_side_events(meeting, sitting, desk, members[:5], slot)
    login(Role.SECRETARIAT)
    urls = [
        f"/meetings/{meeting.code}/statements",
        f"/meetings/{meeting.code}/sittings/1/statements",
        f"/meetings/{meeting.code}/sittings/1",
        f"/secretariat/meetings/{meeting.code}/statements",
        f"/secretariat/meetings/{meeting.code}/side-events",
    ]
    small = page_query_counts(client, queries, urls)
    _statements_and_side_events(meeting, sitting, desk, members[5:40], slot)
    assert page_query_counts(client, queries, urls) == small
