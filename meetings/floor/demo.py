"""Demo lists of speakers: the general debate of the Third Review Conference, with States at each
level of representation and the organisations after them (the clock standing in June 2018), some
having spoken; made through the services."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from meetings import clock
from meetings.auth.demo import demo_focal_point
from meetings.auth.models import Role, User
from meetings.extensions import db
from meetings.floor import lists, speakers
from meetings.floor.demo_conference import (
    general_debate_sittings,
    seed_side_events,
    seed_statements,
)
from meetings.floor.models import InscriptionStatus
from meetings.floor.order import Level, SpeakerKind
from meetings.reference.models import State, UNStatus
from meetings.reference.services import state_by_code
from meetings.schedule import services as schedule

REVCON = "POA-REVCON3"
OPENS = datetime(2018, 6, 4, 13, 0, tzinfo=UTC)  # 09:00 in New York, two weeks ahead
LEVELS = (
    Level.MINISTER,
    Level.PERMANENT_REPRESENTATIVE,
    Level.VICE_MINISTER,
    Level.PERMANENT_REPRESENTATIVE,
    Level.OTHER,
    Level.HEAD_OF_STATE,
)
OTHERS = (
    (SpeakerKind.GROUP, "African Group"),
    (SpeakerKind.IGO, "African Union"),
    (SpeakerKind.UN_ENTITY, "United Nations Office for Disarmament Affairs"),
    (SpeakerKind.CIVIL_SOCIETY, "International Action Network on Small Arms"),
)


def _desk() -> User:
    found = db.session.scalar(sa.select(User).where(User.email == "secretariat@example.org"))
    assert found is not None, "the demo accounts come first"
    return found


def seed_floor(users: dict[Role, User]) -> None:
    meeting = schedule.meeting_with_code(REVCON)
    if meeting is None or lists.lists_of(meeting.id):
        return
    desk = users.get(Role.SECRETARIAT) or _desk()
    debate = general_debate_sittings(meeting)
    with clock.standing_at(OPENS - timedelta(days=1)):
        general = lists.create_list(
            desk, meeting.id, "General debate", OPENS, 300, [s.id for s in debate]
        )
    members = db.session.scalars(
        sa.select(State).where(State.un_status == UNStatus.MEMBER).order_by(State.name)
    ).all()
    chosen = [state for i, state in enumerate(members) if i % 6 == 1][:30]
    for number, state in enumerate(chosen):
        with clock.standing_at(OPENS + timedelta(minutes=3 * number, seconds=number)):
            focal = demo_focal_point(state)
            speakers.inscribe_state(focal, general, state.id, LEVELS[number % len(LEVELS)], None)
    with clock.standing_at(OPENS + timedelta(days=1)):
        through = state_by_code("NG")  # the African Group speaks through its chair
        for kind, name in OTHERS:
            speaks_through = through.id if through and kind is SpeakerKind.GROUP else None
            speakers.inscribe_other(desk, general, kind, name, speaks_through)
    with clock.standing_at(datetime(2018, 6, 18, 15, 0, tzinfo=UTC)):
        for row in speakers.inscriptions(general, waiting_only=True)[:6]:
            speakers.mark(desk, row, InscriptionStatus.SPOKEN)
    seed_statements(meeting, desk, chosen)
    seed_side_events(meeting, desk, chosen)
    db.session.flush()
