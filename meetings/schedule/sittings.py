"""Sittings: scheduling, editing, cancelling, and the rules they obey.

A sitting is entered in its meeting's local time and stored in UTC. It must end after it starts,
lie within the meeting's dates, and not overlap another sitting in the same room. Every change
raises its revision (the SEQUENCE of its calendar event).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import cast
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from meetings import clock
from meetings.audit.services import record
from meetings.auth.models import User
from meetings.auth.permissions import Permission, require
from meetings.errors import DomainError, NotFound
from meetings.extensions import db
from meetings.schedule.models import Meeting, Room, Sitting, SittingKind, SittingStatus
from meetings.schedule.timezones import local_to_utc
from meetings.workflow import Workflow, by_permission


def _check_status_move(
    _actor: User | None, sitting: Sitting, _source: SittingStatus, target: SittingStatus
) -> None:
    """A restored sitting must still fit its room; every status change is a new revision."""
    if target is SittingStatus.SCHEDULED:
        check_no_clash(planned_from(sitting), ignore=sitting.id)
    sitting.revision += 1


# The one table of sitting statuses: cancelling keeps the row; a cancelled sitting can be restored.
SITTING_WORKFLOW: Workflow[SittingStatus, Sitting] = Workflow(
    name="sitting",
    table={
        (SittingStatus.SCHEDULED, SittingStatus.CANCELLED): frozenset({"secretariat"}),
        (SittingStatus.CANCELLED, SittingStatus.SCHEDULED): frozenset({"secretariat"}),
    },
    kinds=by_permission(secretariat=Permission.MANAGE_SCHEDULE),
    refusal=lambda current, _target: _("This sitting is already %(status)s.", status=current),
    check_move=_check_status_move,
)

AUDITED_FIELDS = ("number", "kind", "title", "agenda_items", "starts_at", "ends_at", "room_id")


@dataclass(frozen=True)
class SittingData:
    """A sitting as the secretariat enters it: a day and clock times in the meeting's zone."""

    kind: SittingKind
    title: str
    day: date
    start: time
    end: time
    room_id: int | None
    agenda_items: str = ""
    number: int | None = None


@dataclass(frozen=True)
class PlannedSitting:
    """Validated values, in UTC, ready to be written."""

    number: int | None
    kind: SittingKind
    title: str
    agenda_items: str
    starts_at: datetime
    ends_at: datetime
    room_id: int | None


def plan(meeting: Meeting, data: SittingData, zone: ZoneInfo | None = None) -> PlannedSitting:
    """Check one sitting on its own (everything except clashes with other sittings). Times are
    read in the meeting's zone unless another ``zone`` is given (a programme file may say)."""
    title = data.title.strip()
    if not title:
        raise DomainError(_("Enter a title."), field="title")
    if len(title) > 300:
        raise DomainError(_("Use at most 300 characters."), field="title")
    if data.number is not None and not 1 <= data.number <= 100_000:
        raise DomainError(_("The number must be between 1 and 100,000."), field="number")
    if data.end <= data.start:
        raise DomainError(_("The end must be after the start."), field="end")
    zone = zone or meeting.zone
    starts_at = local_to_utc(data.day, data.start, zone, field="start")
    ends_at = local_to_utc(data.day, data.end, zone, field="end")
    first_day = starts_at.astimezone(meeting.zone).date()
    last_day = ends_at.astimezone(meeting.zone).date()
    if first_day < meeting.start_date or last_day > meeting.end_date:
        raise DomainError(
            _(
                "The date must lie within the meeting, %(start)s to %(end)s.",
                start=format_date(meeting.start_date, "long"),
                end=format_date(meeting.end_date, "long"),
            ),
            field="day",
        )
    return PlannedSitting(
        number=data.number,
        kind=data.kind,
        title=title,
        agenda_items=data.agenda_items.strip().replace("\r\n", "\n"),
        starts_at=starts_at,
        ends_at=ends_at,
        room_id=data.room_id,
    )


def describe(sitting: Sitting, zone_name: str | None = None) -> str:
    """'“3rd plenary meeting” (10:00–13:00 EDT, 19 March 2018)' for messages."""
    zone = ZoneInfo(zone_name or sitting.meeting.timezone)
    start, end = sitting.starts_at.astimezone(zone), sitting.ends_at.astimezone(zone)
    text = _(
        "“%(title)s” (%(start)s–%(end)s %(zone)s, %(day)s)",
        title=sitting.title,
        start=start.strftime("%H:%M"),
        end=end.strftime("%H:%M"),
        zone=start.tzname(),
        day=format_date(start.date(), "long"),
    )
    return str(text)


def room_clash(
    room_id: int | None, starts_at: datetime, ends_at: datetime, *, ignore: int | None = None
) -> Sitting | None:
    """The first scheduled sitting in ``room_id`` that overlaps [starts_at, ends_at)."""
    if room_id is None:
        return None
    query = (
        sa.select(Sitting)
        .options(joinedload(Sitting.meeting), joinedload(Sitting.room))
        .where(
            Sitting.room_id == room_id,
            Sitting.status == SittingStatus.SCHEDULED,
            Sitting.starts_at < ends_at,
            Sitting.ends_at > starts_at,
        )
        .order_by(Sitting.starts_at)
        .limit(1)
    )
    if ignore is not None:
        query = query.where(Sitting.id != ignore)
    return db.session.scalar(query)


def lock_room(room_id: int | None) -> Room | None:
    """Take the room's row lock (PostgreSQL) so two bookings of one room are checked one after
    the other. On SQLite the transaction already holds the write lock (BEGIN IMMEDIATE)."""
    if room_id is None:
        return None
    room = db.session.scalar(sa.select(Room).where(Room.id == room_id).with_for_update())
    if room is None:
        raise DomainError(_("Choose a room from the list."), field="room_id")
    return room


def check_no_clash(planned: PlannedSitting, *, ignore: int | None = None) -> None:
    room = lock_room(planned.room_id)
    clash = room_clash(planned.room_id, planned.starts_at, planned.ends_at, ignore=ignore)
    if clash is not None and room is not None:
        raise DomainError(
            _(
                "%(room)s is already booked at that time for %(other)s of %(meeting)s.",
                room=room.name,
                other=describe(clash),
                meeting=clash.meeting.display_title,
            ),
            field="start",
        )


def _number_taken(meeting: Meeting, number: int, ignore: int | None) -> bool:
    query = sa.select(Sitting.id).where(Sitting.meeting_id == meeting.id, Sitting.number == number)
    if ignore is not None:
        query = query.where(Sitting.id != ignore)
    return db.session.scalar(query) is not None


def next_number(meeting: Meeting) -> int:
    highest = db.session.scalar(
        sa.select(sa.func.max(Sitting.number)).where(Sitting.meeting_id == meeting.id)
    )
    return (highest or 0) + 1


def _values(sitting: Sitting) -> dict[str, object]:
    return {name: getattr(sitting, name) for name in AUDITED_FIELDS}


def schedule_sitting(actor: User | None, meeting: Meeting, data: SittingData) -> Sitting:
    if actor is not None:
        require(actor, Permission.MANAGE_SCHEDULE)
    planned = plan(meeting, data)
    check_no_clash(planned)
    number = planned.number or next_number(meeting)
    if _number_taken(meeting, number, None):
        raise DomainError(
            _("Another sitting of this meeting has number %(n)d.", n=number), field="number"
        )
    sitting = Sitting(
        meeting=meeting,
        number=number,
        kind=planned.kind,
        title=planned.title,
        agenda_items=planned.agenda_items,
        starts_at=planned.starts_at,
        ends_at=planned.ends_at,
        room_id=planned.room_id,
    )
    db.session.add(sitting)
    db.session.flush()
    record(actor, "sitting.scheduled", sitting, after=_values(sitting))
    return sitting


def apply_plan(actor: User | None, sitting: Sitting, planned: PlannedSitting) -> bool:
    """Write ``planned`` over ``sitting`` after checking number and room; True if it changed."""
    number = planned.number if planned.number is not None else sitting.number
    if _number_taken(sitting.meeting, number, sitting.id):
        raise DomainError(
            _("Another sitting of this meeting has number %(n)d.", n=number), field="number"
        )
    if sitting.status is SittingStatus.SCHEDULED:
        check_no_clash(planned, ignore=sitting.id)
    return write_plan(actor, sitting, planned)


def write_plan(actor: User | None, sitting: Sitting, planned: PlannedSitting) -> bool:
    """Write already-checked values; raise the revision and audit only if something changed."""
    before = _values(sitting)
    number = planned.number if planned.number is not None else sitting.number
    sitting.number = number
    sitting.kind = planned.kind
    sitting.title = planned.title
    sitting.agenda_items = planned.agenda_items
    sitting.starts_at = planned.starts_at
    sitting.ends_at = planned.ends_at
    sitting.room_id = planned.room_id
    after = _values(sitting)
    if after == before:
        return False
    sitting.revision += 1
    sitting.changed_at = clock.now()
    if (before["starts_at"], before["ends_at"], before["room_id"]) != (
        sitting.starts_at,
        sitting.ends_at,
        sitting.room_id,
    ):
        # It moved: keep where and when it was, for the notice on its page.
        sitting.previous_starts_at = cast(datetime, before["starts_at"])
        sitting.previous_ends_at = cast(datetime, before["ends_at"])
        sitting.previous_room_id = cast(int | None, before["room_id"])
    db.session.flush()
    changed = [k for k in AUDITED_FIELDS if before[k] != after[k]]
    record(
        actor,
        "sitting.updated",
        sitting,
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
    )
    return True


def update_sitting(actor: User | None, sitting: Sitting, data: SittingData) -> bool:
    if actor is not None:
        require(actor, Permission.MANAGE_SCHEDULE)
    return apply_plan(actor, sitting, plan(sitting.meeting, data))


def change_status(actor: User | None, sitting: Sitting, target: SittingStatus) -> None:
    if actor is not None:
        require(actor, Permission.MANAGE_SCHEDULE)
    SITTING_WORKFLOW.move(actor, sitting, target)


def planned_from(sitting: Sitting) -> PlannedSitting:
    """The sitting's current values, as a plan (to check it again)."""
    return PlannedSitting(
        sitting.number,
        sitting.kind,
        sitting.title,
        sitting.agenda_items,
        sitting.starts_at,
        sitting.ends_at,
        sitting.room_id,
    )


def sitting_data(sitting: Sitting) -> SittingData:
    zone = sitting.meeting.zone
    start, end = sitting.starts_at.astimezone(zone), sitting.ends_at.astimezone(zone)
    return SittingData(
        kind=sitting.kind,
        title=sitting.title,
        day=start.date(),
        start=start.time(),
        end=end.time(),
        room_id=sitting.room_id,
        agenda_items=sitting.agenda_items,
        number=sitting.number,
    )


def sitting_of(meeting: Meeting, number: int) -> Sitting:
    sitting = db.session.scalar(
        sa.select(Sitting)
        .options(joinedload(Sitting.room), joinedload(Sitting.previous_room))
        .where(Sitting.meeting_id == meeting.id, Sitting.number == number)
    )
    if sitting is None:
        raise NotFound(_("There is no such sitting."))
    set_committed_value(sitting, "meeting", meeting)
    return sitting


def managed_sitting(actor: User, sitting_id: int) -> Sitting:
    require(actor, Permission.MANAGE_SCHEDULE)
    sitting = db.session.scalar(
        sa.select(Sitting)
        .options(joinedload(Sitting.meeting), joinedload(Sitting.room))
        .where(Sitting.id == sitting_id)
    )
    if sitting is None:
        raise NotFound(_("There is no such sitting."))
    return sitting
