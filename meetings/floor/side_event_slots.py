"""The times the secretariat offers for side events (lunchtime, evening) on the days of a
meeting, in venue time."""

from __future__ import annotations

from datetime import date, time

import sqlalchemy as sa
from flask_babel import gettext as _

from meetings.audit.services import record
from meetings.auth.models import User
from meetings.auth.permissions import Permission, require
from meetings.errors import DomainError
from meetings.extensions import db
from meetings.floor.side_event_models import SideEventSlot, SlotKind
from meetings.schedule.models import Meeting


def offer_slots(
    actor: User, meeting: Meeting, kind: SlotKind, starts: time, ends: time, days: list[date]
) -> list[SideEventSlot]:
    """Offer ``starts``–``ends`` (venue time) on each of ``days`` (days of the meeting; a day
    that has a slot at that time already is left as it is)."""
    require(actor, Permission.MANAGE_SCHEDULE)
    if ends <= starts:
        raise DomainError(_("A slot ends after it starts."), field="ends")
    if not days:
        raise DomainError(_("Choose at least one day."), field="days")
    if any(not meeting.start_date <= day <= meeting.end_date for day in days):
        raise DomainError(_("Choose days of the meeting."), field="days")
    taken = set(
        db.session.scalars(
            sa.select(SideEventSlot.day).where(
                SideEventSlot.meeting_id == meeting.id, SideEventSlot.starts == starts
            )
        )
    )
    added = [
        SideEventSlot(meeting_id=meeting.id, kind=kind, day=day, starts=starts, ends=ends)
        for day in sorted(set(days) - taken)
    ]
    db.session.add_all(added)
    db.session.flush()
    record(
        actor,
        "meeting.side_event_slots",
        meeting,
        after={"kind": kind, "starts": starts.isoformat(), "days": [d.isoformat() for d in days]},
    )
    return added


def slots_of(meeting_id: int) -> list[SideEventSlot]:
    return list(
        db.session.scalars(
            sa.select(SideEventSlot)
            .where(SideEventSlot.meeting_id == meeting_id)
            .order_by(SideEventSlot.day, SideEventSlot.starts)
        )
    )


def slot_of(meeting_id: int, slot_id: int | None) -> SideEventSlot:
    slot = db.session.get(SideEventSlot, slot_id) if slot_id is not None else None
    if slot is None or slot.meeting_id != meeting_id:
        raise DomainError(_("Choose one of the slots offered for side events."), field="slot")
    return slot
