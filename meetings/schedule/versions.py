"""The schedule version of a meeting: replaced in the same transaction as any change to what its
programme page and calendar feeds show, so that a feed's ETag and a cached page are one indexed
lookup away and can never outlive a change.

What counts: the meeting itself, its process (whose title the page shows), its sittings (added,
changed, deleted) and the rooms they are held in. A listener on every flush finds them, so no
service can forget; the change is one UPDATE, which also orders concurrent writers of a meeting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import instance_state

from meetings import clock
from meetings.extensions import db
from meetings.schedule.models import Meeting, Process, Room, Sitting, new_version

_OWN_COLUMNS = {"schedule_version", "schedule_changed_at", "updated_at"}


def _changed(instance: object) -> bool:
    """Whether a loaded instance has a change to write (not only our own bookkeeping)."""
    state = instance_state(instance)
    return any(
        attribute.history.has_changes()
        for attribute in state.attrs
        if attribute.key not in _OWN_COLUMNS
    )


def _meetings_touched(session: Session) -> set[int]:
    ids: set[int] = set()
    rooms: set[int] = set()
    processes: set[int] = set()
    new, deleted = list(session.new), set(session.deleted)  # each a fresh set per access
    for instance in new:
        if isinstance(instance, Sitting):  # a new sitting: its meeting, nothing before
            meeting_id = instance.meeting_id or (instance.meeting.id if instance.meeting else None)
            if meeting_id is not None:
                ids.add(meeting_id)
    for instance in (*session.dirty, *deleted):
        if isinstance(instance, Sitting):  # and the meeting it was moved from, if any
            previous = instance_state(instance).attrs.meeting_id.history.deleted
            ids.update(i for i in (instance.meeting_id, *previous) if i is not None)
        elif isinstance(instance, Meeting) and (instance in deleted or _changed(instance)):
            ids.add(instance.id)
        elif isinstance(instance, Room) and _changed(instance):
            rooms.add(instance.id)
        elif isinstance(instance, Process) and _changed(instance):
            processes.add(instance.id)
    with session.no_autoflush:
        if rooms:
            ids.update(
                session.scalars(
                    sa.select(Sitting.meeting_id).where(Sitting.room_id.in_(rooms)).distinct()
                )
            )
        if processes:
            ids.update(
                session.scalars(sa.select(Meeting.id).where(Meeting.process_id.in_(processes)))
            )
    return ids


def new_versions(session: Session, meeting_ids: set[int]) -> None:
    """Give these meetings a new schedule version (also for writes that bypass the ORM)."""
    if not meeting_ids:
        return
    with session.no_autoflush:
        session.execute(
            sa.update(Meeting)
            .where(Meeting.id.in_(sorted(meeting_ids)))
            .values(schedule_version=new_version(), schedule_changed_at=clock.stamp())
            .execution_options(synchronize_session=False)
        )
    for instance in session.identity_map.values():
        if isinstance(instance, Meeting) and instance.id in meeting_ids:
            session.expire(instance, ["schedule_version", "schedule_changed_at"])


@sa.event.listens_for(Session, "before_flush")
def _new_version_on_flush(session: Session, _context: Any, _instances: Any) -> None:
    new_versions(session, _meetings_touched(session))


@dataclass(frozen=True)
class ScheduleStamp:
    """What a cached feed or page needs to know of its meeting: which version it shows."""

    meeting_id: int
    code: str
    is_published: bool
    version: str
    changed_at: datetime


_STAMP = sa.select(
    Meeting.id,
    Meeting.code,
    Meeting.is_published,
    Meeting.schedule_version,
    Meeting.schedule_changed_at,
).where(Meeting.code == sa.bindparam("code"))


def stamp_of(code: str) -> ScheduleStamp | None:
    """The meeting's schedule stamp by its code: one indexed lookup, read as a plain row on the
    session's connection (no ORM object: this is the whole cost of a feed's 304)."""
    row = db.session.connection().execute(_STAMP, {"code": code.strip().upper()}).one_or_none()
    return ScheduleStamp(*row) if row is not None else None
