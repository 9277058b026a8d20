from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from meetings.audit.services import entries_for
from meetings.auth.models import Role
from meetings.errors import DomainError, PermissionDenied
from meetings.extensions import db
from meetings.schedule import rooms
from meetings.schedule.models import SittingKind, SittingStatus
from meetings.schedule.sittings import (
    SITTING_WORKFLOW,
    SittingData,
    change_status,
    schedule_sitting,
    sitting_data,
    update_sitting,
)
from tests.factories.auth import make_user
from tests.factories.schedule import make_meeting, make_room, make_sitting


def _data(**changes: object) -> SittingData:
    values: dict[str, object] = {
        "kind": SittingKind.PLENARY,
        "title": "1st plenary meeting",
        "day": date(2018, 6, 18),
        "start": time(10),
        "end": time(13),
        "room_id": None,
    }
    values.update(changes)
    return SittingData(**values)  # type: ignore[arg-type]


def test_a_june_sitting_at_10_new_york_time_is_14_utc() -> None:
    sitting = make_sitting(make_meeting(), day=date(2018, 6, 18), start=time(10), end=time(13))
    assert sitting.starts_at == datetime(2018, 6, 18, 14, 0, tzinfo=UTC)  # EDT, UTC-4
    assert sitting.ends_at == datetime(2018, 6, 18, 17, 0, tzinfo=UTC)


def test_a_january_sitting_at_10_new_york_time_is_15_utc() -> None:
    meeting = make_meeting(start=date(2019, 1, 14), end=date(2019, 1, 18), registration=None)
    sitting = make_sitting(meeting, day=date(2019, 1, 14), start=time(10), end=time(13))
    assert sitting.starts_at == datetime(2019, 1, 14, 15, 0, tzinfo=UTC)  # EST, UTC-5


def test_a_time_skipped_by_the_clock_change_is_refused() -> None:
    meeting = make_meeting(start=date(2018, 3, 9), end=date(2018, 3, 12), registration=None)
    with pytest.raises(DomainError) as caught:
        schedule_sitting(
            None, meeting, _data(day=date(2018, 3, 11), start=time(2, 30), end=time(4))
        )
    assert "does not exist" in caught.value.message
    assert caught.value.field == "start"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"end": time(9)}, "end", "The end must be after the start."),
        ({"end": time(10)}, "end", "The end must be after the start."),
        ({"day": date(2018, 6, 30)}, "day", "The date must lie within the meeting"),
        ({"day": date(2018, 6, 17)}, "day", "The date must lie within the meeting"),
        ({"title": "   "}, "title", "Enter a title."),
    ],
)
def test_a_sitting_must_be_well_formed(
    changes: dict[str, object], field: str, message: str
) -> None:
    meeting = make_meeting()
    with pytest.raises(DomainError) as caught:
        schedule_sitting(None, meeting, _data(**changes))
    assert caught.value.field == field
    assert caught.value.message.startswith(message)


def test_two_sittings_may_not_overlap_in_one_room_and_the_message_names_the_other() -> None:
    meeting = make_meeting()
    room = make_room("Conference Room 4")
    make_sitting(meeting, room=room, title="3rd plenary meeting", start=time(10), end=time(13))
    with pytest.raises(DomainError) as caught:
        make_sitting(meeting, room=room, title="Late one", start=time(12, 30), end=time(14))
    message = caught.value.message
    assert "Conference Room 4 is already booked" in message
    assert "“3rd plenary meeting” (10:00–13:00 EDT, June 18, 2018)" in message


def test_back_to_back_sittings_and_other_rooms_do_not_clash() -> None:
    meeting = make_meeting()
    room, other = make_room(), make_room()
    make_sitting(meeting, room=room, start=time(10), end=time(13))
    make_sitting(meeting, room=room, start=time(13), end=time(14))
    make_sitting(meeting, room=other, start=time(10), end=time(13))


def test_a_room_clash_counts_across_meetings() -> None:
    room = make_room()
    make_sitting(make_meeting(), room=room)
    with pytest.raises(DomainError, match="already booked"):
        make_sitting(make_meeting(), room=room)


def test_a_cancelled_sitting_frees_its_room_but_cannot_be_restored_into_a_clash() -> None:
    meeting = make_meeting()
    room = make_room()
    first = make_sitting(meeting, room=room)
    change_status(None, first, SittingStatus.CANCELLED)
    make_sitting(meeting, room=room)
    with pytest.raises(DomainError, match="already booked"):
        change_status(None, first, SittingStatus.SCHEDULED)


def test_editing_raises_the_revision_and_a_save_without_change_does_not() -> None:
    meeting = make_meeting()
    sitting = make_sitting(meeting)
    assert sitting.revision == 0
    stamp = sitting.updated_at
    assert update_sitting(None, sitting, sitting_data(sitting)) is False
    assert sitting.revision == 0
    moved = sitting_data(sitting)
    assert update_sitting(None, sitting, SittingData(**{**moved.__dict__, "start": time(10, 30)}))
    assert sitting.revision == 1
    assert sitting.updated_at > stamp
    entry = entries_for(sitting)[-1]
    assert entry.action == "sitting.updated"
    assert entry.before == {"starts_at": "2018-06-18T14:00:00+00:00"}
    assert entry.after == {"starts_at": "2018-06-18T14:30:00+00:00"}


def test_editing_a_sitting_into_a_clash_names_the_other_and_saves_nothing() -> None:
    meeting = make_meeting()
    room = make_room("Conference Room 1")
    make_sitting(meeting, room=room, title="Informal consultations", start=time(15), end=time(18))
    sitting = make_sitting(meeting, room=room, start=time(10), end=time(13))
    data = sitting_data(sitting)
    with pytest.raises(DomainError) as caught:
        update_sitting(None, sitting, SittingData(**{**data.__dict__, "end": time(16)}))
    assert "“Informal consultations” (15:00–18:00 EDT" in caught.value.message
    db.session.rollback()


def test_cancelling_keeps_the_row_and_raises_the_revision() -> None:
    sitting = make_sitting(make_meeting())
    change_status(None, sitting, SittingStatus.CANCELLED)
    assert sitting.status is SittingStatus.CANCELLED
    assert sitting.revision == 1
    assert db.session.get(type(sitting), sitting.id) is sitting


@pytest.mark.parametrize("source", list(SittingStatus))
@pytest.mark.parametrize("target", list(SittingStatus))
def test_sitting_status_transition_table(source: SittingStatus, target: SittingStatus) -> None:
    sitting = make_sitting(make_meeting())
    if source is not SittingStatus.SCHEDULED:
        change_status(None, sitting, source)
    allowed = target in SITTING_WORKFLOW.next_states(source)
    if allowed:
        change_status(None, sitting, target)
        assert sitting.status is target
    else:
        with pytest.raises(DomainError):
            change_status(None, sitting, target)
        assert sitting.status is source


def test_numbers_are_unique_per_meeting_and_taken_in_order() -> None:
    meeting = make_meeting()
    assert make_sitting(meeting).number == 1
    assert make_sitting(meeting, start=time(15), end=time(18)).number == 2
    with pytest.raises(DomainError, match="has number 2"):
        make_sitting(meeting, number=2, start=time(19), end=time(20))


@pytest.mark.parametrize(
    "role", [Role.DELEGATE, Role.FOCAL_POINT, Role.FUND_ADMINISTRATOR, Role.DONOR]
)
def test_only_the_secretariat_schedules(role: Role) -> None:
    from meetings.reference.services import state_by_code

    user = make_user(roles=[role], state=state_by_code("GH"))
    meeting = make_meeting()
    with pytest.raises(PermissionDenied):
        schedule_sitting(user, meeting, _data())
    sitting = make_sitting(meeting)
    with pytest.raises(PermissionDenied):
        change_status(user, sitting, SittingStatus.CANCELLED)


def test_renaming_a_room_raises_the_revision_of_its_sittings() -> None:
    secretariat = make_user(roles=[Role.SECRETARIAT])
    room = make_room("Conference Room 4")
    sitting = make_sitting(make_meeting(), room=room)
    rooms.update_room(secretariat, room, rooms.RoomData("Conference Room 4", "North Lawn", 100))
    db.session.refresh(sitting)
    assert sitting.revision == 1
