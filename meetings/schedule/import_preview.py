"""A programme import in two steps: the file is read, checked and kept, and the secretariat is
shown what it will create, change (with each difference) and leave alone, and which sittings
were changed by hand since the last import; nothing of the programme changes until they
confirm, choosing which of those hand-made changes the file may replace."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from meetings import clock
from meetings.audit.services import record
from meetings.auth.models import User
from meetings.auth.permissions import Permission, require
from meetings.errors import DomainError, NotFound
from meetings.extensions import db
from meetings.labels import label
from meetings.schedule.models import Meeting, ProgrammeImport, Room, Sitting
from meetings.schedule.programme_import import (
    ImportResult,
    changed_by_hand,
    checked_rows,
    differences,
    existing_sittings,
    import_programme,
)

FIELD_NAMES = {
    "kind": _l("Kind"),
    "title": _l("Title"),
    "agenda_items": _l("Agenda"),
    "starts_at": _l("Starts"),
    "ends_at": _l("Ends"),
    "room_id": _l("Room"),
}


@dataclass(frozen=True)
class Difference:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class Planned:
    number: int
    title: str
    when: str
    differences: list[Difference]
    by_hand: bool  # an existing sitting changed by hand since the last import


@dataclass(frozen=True)
class Preview:
    staged: ProgrammeImport
    created: list[Planned]
    changed: list[Planned]
    unchanged: int
    left: list[Sitting]  # sittings of the meeting the file does not name: left as they are

    @property
    def by_hand(self) -> list[Planned]:
        return [p for p in self.changed if p.by_hand]

    @property
    def changes_nothing(self) -> bool:
        return not self.created and not self.changed


def _shown(meeting: Meeting, name: str, value: object, rooms: dict[int, str]) -> str:
    if isinstance(value, datetime):
        return value.astimezone(meeting.zone).strftime("%Y-%m-%d %H:%M")
    if name == "room_id":
        return rooms.get(value, "") if isinstance(value, int) else ""
    if isinstance(value, Enum):
        return str(label(value))
    return str(value or "")


def _preview(actor: User, meeting: Meeting, staged: ProgrammeImport) -> Preview:
    rows = checked_rows(actor, meeting, staged.text)
    existing = existing_sittings(meeting)
    rooms = dict(db.session.execute(sa.select(Room.id, Room.name)).tuples().all())
    zone = meeting.zone
    created, changed, unchanged = [], [], 0
    for row in rows:
        when = row.planned.starts_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        sitting = existing.get(row.number)
        if sitting is None:
            created.append(Planned(row.number, row.planned.title, when, [], False))
            continue
        changes = differences(sitting, row.planned)
        if not changes:
            unchanged += 1
            continue
        changed.append(
            Planned(
                row.number,
                row.planned.title,
                when,
                [
                    Difference(
                        str(FIELD_NAMES[name]),
                        _shown(meeting, name, getattr(sitting, name), rooms),
                        _shown(meeting, name, getattr(row.planned, name), rooms),
                    )
                    for name in changes
                ],
                changed_by_hand(sitting),
            )
        )
    named = {row.number for row in rows}
    left = sorted((s for n, s in existing.items() if n not in named), key=lambda s: s.number)
    return Preview(staged, created, changed, unchanged, left)


def preview_import(actor: User, meeting: Meeting, text: str, file_name: str) -> Preview:
    """Check the file and keep it; what it would do. The programme itself is not touched."""
    require(actor, Permission.MANAGE_SCHEDULE)
    checked_rows(actor, meeting, text)  # a bad file is refused before it is kept
    staged = ProgrammeImport(
        meeting_id=meeting.id, text=text, file_name=file_name[:255], created_by_id=actor.id
    )
    db.session.add(staged)
    db.session.flush()
    return _preview(actor, meeting, staged)


def staged_import(actor: User, meeting: Meeting, staged_id: int) -> ProgrammeImport:
    require(actor, Permission.MANAGE_SCHEDULE)
    staged = db.session.scalar(
        sa.select(ProgrammeImport)
        .where(ProgrammeImport.id == staged_id, ProgrammeImport.meeting_id == meeting.id)
        .with_for_update()
    )
    if staged is None:
        raise NotFound(_("There is no such import."))
    return staged


def show_preview(actor: User, meeting: Meeting, staged: ProgrammeImport) -> Preview:
    return _preview(actor, meeting, staged)


def apply_import(
    actor: User, meeting: Meeting, staged: ProgrammeImport, replace_by_hand: frozenset[int]
) -> ImportResult:
    """Write what the preview showed: every new and changed sitting, and of those changed by
    hand only the ones chosen. The file is checked again against the programme as it is now."""
    require(actor, Permission.MANAGE_SCHEDULE)
    if staged.applied_at is not None:
        raise DomainError(_("This file has been imported already."))
    result = import_programme(actor, meeting, staged.text, replace_by_hand=replace_by_hand)
    staged.applied_at = clock.now()
    db.session.flush()
    record(
        actor,
        "meeting.programme_imported",
        meeting,
        after={
            "file": staged.file_name,
            "created": result.created,
            "updated": result.updated,
            "kept": result.kept,
        },
    )
    return result
