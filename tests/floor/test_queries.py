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
