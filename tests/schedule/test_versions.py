"""A meeting's schedule version changes with every write to what its programme and feeds show,
and with nothing else; a feed's 304 costs one query whatever the meeting's size."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date, time
from pathlib import Path

import pytest
import sqlalchemy as sa

from meetings import clock
from meetings.auth.models import Role
from meetings.extensions import db
from meetings.schedule import rooms
from meetings.schedule.models import Meeting, Process, SittingStatus
from meetings.schedule.sittings import change_status, sitting_data, update_sitting
from meetings.schedule.versions import stamp_of
from tests.conftest import make_app
from tests.factories.auth import make_user
from tests.factories.registration import DURING_REGISTRATION, make_open_meeting, register
from tests.factories.schedule import make_meeting, make_room, make_sitting


def _version(meeting: Meeting) -> str:
    db.session.flush()
    return db.session.scalar(sa.select(Meeting.schedule_version).where(Meeting.id == meeting.id))


def _retitle_sitting(meeting: Meeting) -> None:
    sitting = make_sitting(meeting)
    db.session.flush()
    before = _version(meeting)
    update_sitting(None, sitting, dataclasses.replace(sitting_data(sitting), title="Renamed"))
    assert _version(meeting) != before


CHANGES: dict[str, Callable[[Meeting], object]] = {
    "a sitting is scheduled": lambda m: make_sitting(m),
    "a sitting is cancelled": lambda m: change_status(
        None, make_sitting(m, start=time(15), end=time(16)), SittingStatus.CANCELLED
    ),
    "the venue changes": lambda m: setattr(m, "venue", "Geneva"),
    "the meeting is unpublished": lambda m: setattr(m, "is_published", False),
    "a title in another language": lambda m: setattr(m, "titles", {"fr": "Réunion"}),
}


@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
def test_a_change_to_the_programme_gives_a_new_version(app, change: str) -> None:
    meeting = make_meeting()
    before = _version(meeting)
    CHANGES[change](meeting)
    assert _version(meeting) != before


def test_a_changed_sitting_gives_a_new_version(app) -> None:
    _retitle_sitting(make_meeting())


def test_a_deleted_sitting_gives_a_new_version(app) -> None:
    meeting = make_meeting()
    sitting = make_sitting(meeting)
    before = _version(meeting)
    db.session.delete(sitting)
    assert _version(meeting) != before


def test_a_renamed_room_changes_the_meetings_held_in_it_and_no_other(app) -> None:
    room = make_room()
    held, elsewhere = make_meeting(), make_meeting()
    make_sitting(held, room=room)
    make_sitting(elsewhere)
    versions = (_version(held), _version(elsewhere))
    data = dataclasses.replace(rooms.room_data(room), name="Conference Room 4")
    rooms.update_room(make_user(roles=[Role.SECRETARIAT]), room, data)
    assert _version(held) != versions[0]
    assert _version(elsewhere) == versions[1]


def test_a_retitled_process_changes_its_meetings(app) -> None:
    meeting = make_meeting()
    before = _version(meeting)
    db.session.get_one(Process, meeting.process_id).titles = {"fr": "Programme d'action"}
    assert _version(meeting) != before


def test_reads_and_registrations_keep_the_version(app) -> None:
    meeting = make_open_meeting()
    make_sitting(meeting)
    before = _version(meeting)
    db.session.get_one(Meeting, meeting.id).display_title  # noqa: B018 - a read
    with clock.standing_at(DURING_REGISTRATION):
        register(make_user(), meeting)
    assert _version(meeting) == before


def test_no_two_meetings_nor_two_states_share_a_version(app) -> None:
    first, second = make_meeting(), make_meeting()
    seen = {_version(first), _version(second)}
    make_sitting(first, day=date(2018, 6, 19))
    seen.add(_version(first))
    assert len(seen) == 3


def test_the_stamp_is_one_query_then_none_until_a_change(app, queries) -> None:
    meeting = make_meeting(code="STAMP")
    db.session.commit()
    with queries() as counted:
        stamp = stamp_of("stamp")
    assert counted.count == 1
    assert (stamp.meeting_id, stamp.version) == (meeting.id, meeting.schedule_version)
    with queries() as counted:
        assert stamp_of("STAMP ") == stamp
    assert counted.count == 0
    make_sitting(meeting)
    db.session.commit()
    with queries() as counted:
        changed = stamp_of("STAMP")
    assert counted.count == 1
    assert changed.version != stamp.version


def test_a_change_not_yet_committed_is_seen_by_its_own_transaction(app) -> None:
    meeting = make_meeting(code="OWN")
    db.session.commit()
    before = stamp_of("OWN")
    make_sitting(meeting)
    db.session.flush()
    assert stamp_of("OWN").version != before.version


def test_a_feed_304_costs_no_query_whatever_the_size(client, queries) -> None:
    meeting = make_meeting(code="GROWS", end=date(2018, 7, 28))
    counts = []
    for total in (5, 60):
        for n in range(len(counts) * 5, total):
            make_sitting(
                meeting, day=date(2018, 6, 18 + n // 6), start=time(8 + n % 6), end=time(9 + n % 6)
            )
        db.session.commit()
        etag = client.get("/meetings/GROWS/calendar.ics").headers["ETag"]
        with queries() as counted:
            answer = client.get("/meetings/GROWS/calendar.ics", headers={"If-None-Match": etag})
        assert answer.status_code == 304
        counts.append(counted.count)
    assert counts == [0, 0]


@pytest.mark.concurrency
def test_a_change_committed_by_another_worker_is_seen_at_once(committed, database_url) -> None:
    """Two workers of one host: two applications on the same database and instance folder.
    The second keeps the stamp; the first commits a change; the second sees it on its next
    lookup, not a second later."""
    meeting = make_meeting(code="TWO")
    sitting = make_sitting(meeting)
    db.session.commit()
    other = make_app(database_url, Path(committed.instance_path))
    with other.app_context():
        kept = stamp_of("TWO")
        assert stamp_of("TWO") is kept  # kept in that worker
        db.session.remove()
    update_sitting(None, sitting, dataclasses.replace(sitting_data(sitting), title="Renamed"))
    db.session.commit()
    with other.app_context():
        seen = stamp_of("TWO")
        db.session.remove()
        db.engine.dispose()
    assert seen.version != kept.version
    assert seen.version == db.session.scalar(
        sa.select(Meeting.schedule_version).where(Meeting.id == meeting.id)
    )
