"""The schedule version of a meeting: replaced in the same transaction as any change to what its
programme page and calendar feeds show, so that a feed's ETag and a cached page are one indexed
lookup away (none, while the stamp is kept in the process) and can never outlive a change.

What counts: the meeting itself, its process (whose title the page shows), its sittings (added,
changed, deleted) and the rooms they are held in. A listener on every flush finds them, so no
service can forget; the change is one UPDATE, which also orders concurrent writers of a meeting.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import instance_state

from meetings import clock
from meetings.cache import ChangeSignal, signal
from meetings.db import AfterCommit
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
    if has_app_context():
        _memo().forget()  # this process: at once, even before the commit
    _changes.add(session, meeting_ids)  # every process: once committed
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


def _lookup(code: str) -> ScheduleStamp | None:
    row = db.session.connection().execute(_STAMP, {"code": code}).one_or_none()
    return ScheduleStamp(*row) if row is not None else None


def stamp_of(code: str) -> ScheduleStamp | None:
    """The meeting's schedule stamp by its code: kept in the process between schedule changes
    (see StampMemo), else one indexed lookup read as a plain row."""
    code = code.strip().upper()
    return _memo().get(code, lambda: _lookup(code))


# --- kept between changes ----------------------------------------------------------------------

MEMO_SECONDS = 1.0  # the longest a stamp is kept, for writes made outside the application
MEMO_ENTRIES = 1_000


class StampMemo:
    """Schedule stamps kept in the process, so that a feed's 304 or a kept programme page costs
    no query at all (the lookup, with its transaction, was most of a 304's time).

    Kept only while the schedule change signal (``meetings.cache.signal``: a file shared by the
    host's workers, or Redis shared by every host) reads as it did before the lookup: any
    committed schedule change, in any process, bumps it, and this process forgets at once on
    the flush. Writes made outside the application (a restored backup, hand-written SQL) are
    seen within MEMO_SECONDS."""

    def __init__(self, signal: ChangeSignal, seconds: float = MEMO_SECONDS) -> None:
        self.signal = signal
        self.seconds = seconds
        self._kept: dict[str, tuple[object, float, ScheduleStamp]] = {}

    def get(self, code: str, lookup: Callable[[], ScheduleStamp | None]) -> ScheduleStamp | None:
        mark = self.signal.current()  # read before the lookup: a change after it is seen next
        now = time.monotonic()
        kept = self._kept.get(code)
        fresh = kept is not None and now - kept[1] < self.seconds
        if mark is not None and kept is not None and fresh and kept[0] == mark:
            return kept[2]
        stamp = lookup()
        if stamp is not None and mark is not None:
            if len(self._kept) >= MEMO_ENTRIES:
                self._kept.clear()
            self._kept[code] = (mark, now, stamp)
        return stamp

    def forget(self) -> None:
        self._kept.clear()


def _memo() -> StampMemo:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    memo = app.extensions.get("meetings_schedule_stamps")
    if memo is None:
        memo = app.extensions["meetings_schedule_stamps"] = StampMemo(signal(app, "schedule"))
    return memo  # type: ignore[no-any-return]


def forget_stamps() -> None:
    """Forget every kept stamp of this process (tests that roll the database back)."""
    _memo().forget()


def _signal_changes(_batches: list[set[int]]) -> None:
    if has_app_context():
        signal(current_app._get_current_object(), "schedule").bump()  # type: ignore[attr-defined]
        _memo().forget()


_changes: AfterCommit[set[int]] = AfterCommit("meetings_schedule_changes", _signal_changes)
