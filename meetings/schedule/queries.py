"""Reading the programme: a fixed number of queries whatever the number of sittings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from meetings.extensions import db
from meetings.pagination import Page, paginate
from meetings.schedule.models import Meeting, Room, Sitting, SittingKind
from meetings.schedule.timezones import local_to_utc


@dataclass(frozen=True)
class ProgrammeFilter:
    day: date | None = None
    kind: SittingKind | None = None
    room_id: int | None = None

    @property
    def active(self) -> bool:
        return any(v is not None for v in (self.day, self.kind, self.room_id))


@dataclass(frozen=True)
class ProgrammeDay:
    day: date
    sittings: list[Sitting]


def _day_bounds(meeting: Meeting, day: date) -> tuple[datetime, datetime]:
    zone = meeting.zone
    return (
        local_to_utc(day, time(0, 0), zone),
        local_to_utc(day + timedelta(days=1), time(0, 0), zone),
    )


def sittings(meeting: Meeting, filters: ProgrammeFilter = ProgrammeFilter()) -> list[Sitting]:
    """The meeting's sittings in time order, cancelled ones included, rooms loaded (one query)."""
    query = (
        sa.select(Sitting)
        .options(joinedload(Sitting.room))
        .where(Sitting.meeting_id == meeting.id)
        .order_by(Sitting.starts_at, Sitting.number)
    )
    if filters.day is not None:
        start, end = _day_bounds(meeting, filters.day)
        query = query.where(Sitting.starts_at >= start, Sitting.starts_at < end)
    if filters.kind is not None:
        query = query.where(Sitting.kind == filters.kind)
    if filters.room_id is not None:
        query = query.where(Sitting.room_id == filters.room_id)
    found = list(db.session.scalars(query))
    for sitting in found:
        sa.orm.attributes.set_committed_value(sitting, "meeting", meeting)
    return found


def programme(meeting: Meeting, filters: ProgrammeFilter = ProgrammeFilter()) -> list[ProgrammeDay]:
    """Sittings grouped by day in venue time."""
    zone = meeting.zone
    days: dict[date, list[Sitting]] = {}
    for sitting in sittings(meeting, filters):
        days.setdefault(sitting.starts_at.astimezone(zone).date(), []).append(sitting)
    return [ProgrammeDay(day, items) for day, items in sorted(days.items())]


def days_with_sittings(meeting: Meeting) -> list[date]:
    """The venue days on which the meeting has a sitting (for the day filter)."""
    zone = meeting.zone
    starts = db.session.scalars(
        sa.select(Sitting.starts_at).where(Sitting.meeting_id == meeting.id)
    )
    return sorted({moment.astimezone(zone).date() for moment in starts})


def rooms_used(meeting: Meeting) -> list[Room]:
    return list(
        db.session.scalars(
            sa.select(Room)
            .where(Room.id.in_(sa.select(Sitting.room_id).where(Sitting.meeting_id == meeting.id)))
            .order_by(Room.name)
        )
    )


def rooms_in(days: list[ProgrammeDay]) -> list[Room]:
    """The rooms of these sittings by name, read from them (no query)."""
    found = {s.room.id: s.room for day in days for s in day.sittings if s.room is not None}
    return sorted(found.values(), key=lambda room: room.name)


SITTINGS_PER_PAGE = 100


def programme_page(meeting: Meeting, page: int) -> tuple[Page[Sitting], list[ProgrammeDay]]:
    """One page of the meeting's sittings in time order (for the secretariat, whose page has
    forms on every row: a whole programme of 20,000 sittings would be megabytes), grouped by
    venue day. Two queries whatever the size."""
    query = (
        sa.select(Sitting)
        .options(joinedload(Sitting.room))
        .where(Sitting.meeting_id == meeting.id)
        .order_by(Sitting.starts_at, Sitting.number)
    )
    found = paginate(query, page=page, per_page=SITTINGS_PER_PAGE)
    zone = meeting.zone
    days: dict[date, list[Sitting]] = {}
    for sitting in found.items:
        sa.orm.attributes.set_committed_value(sitting, "meeting", meeting)
        days.setdefault(sitting.starts_at.astimezone(zone).date(), []).append(sitting)
    return found, [ProgrammeDay(day, items) for day, items in days.items()]
