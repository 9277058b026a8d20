"""A list of speakers and the focal points and delegates the floor's tests need."""

from __future__ import annotations

from meetings.auth.models import Role, User
from meetings.floor import lists
from meetings.floor.models import SpeakersList
from meetings.reference.services import state_by_code
from meetings.registration.models import Registration
from tests.factories.auth import make_user
from tests.factories.registration import for_state, make_open_meeting, register
from tests.floor.conftest import OPENS


def open_list(**meeting: object) -> tuple[User, SpeakersList]:
    desk = make_user(roles=[Role.SECRETARIAT])
    found = make_open_meeting(**meeting)  # registration open (April to 8 June 2018)
    return desk, lists.create_list(desk, found.id, "General debate", OPENS, 300)


def focal(code: str) -> User:
    return make_user(roles=[Role.FOCAL_POINT], state=state_by_code(code))


def state_id(code: str) -> int:
    state = state_by_code(code)
    assert state is not None
    return state.id


def delegate(speakers: SpeakersList, code: str, **person: object) -> Registration:
    """A member of the State's delegation to the list's meeting (submitted)."""
    return register(make_user(), speakers.meeting, for_state(code), **person)
