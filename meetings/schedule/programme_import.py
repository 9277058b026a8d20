"""Importing a meeting's programme from CSV: all rows or none.

Columns: number, date (YYYY-MM-DD), start and end (HH:MM, venue time), kind, title, room, and
optionally agenda, building and timezone (an IANA name; the meeting's zone when absent). Every row
is checked; if any is bad, nothing is written and every bad row is reported with its line number.
Rows are matched to existing sittings by number, so importing the same file twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, time
from typing import cast
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import gettext as _

from meetings import clock
from meetings.audit.services import record_created
from meetings.auth.models import User
from meetings.auth.permissions import Permission, require
from meetings.csvfiles import CsvImportError, ImportProblem, read_text, table
from meetings.errors import DomainError
from meetings.extensions import db
from meetings.schedule.models import Meeting, Room, Sitting, SittingKind, SittingStatus
from meetings.schedule.sittings import PlannedSitting, SittingData, plan, write_plan
from meetings.schedule.timezones import zone_named
from meetings.schedule.versions import new_versions

REQUIRED_COLUMNS = ("number", "date", "start", "end", "kind", "title", "room")
OPTIONAL_COLUMNS = ("agenda", "building", "timezone")
MAX_ROWS = 20_000


class ProgrammeImportError(CsvImportError):
    """Nothing was imported; ``problems`` lists each bad line."""


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: int = 0  # changed by hand since the last import, and not to be replaced
    numbers: list[int] = field(default_factory=list)

    def __str__(self) -> str:
        text = _(
            "%(created)d created, %(updated)d updated, %(unchanged)d unchanged",
            created=self.created,
            updated=self.updated,
            unchanged=self.unchanged,
        )
        if self.kept:
            text += " " + _("(%(kept)d changed by hand, kept as they are)", kept=self.kept)
        return str(text)


@dataclass(frozen=True)
class _Row:
    line: int
    planned: PlannedSitting
    number: int
    room: Room


def _kind(value: str) -> SittingKind:
    key = value.strip().lower().replace(" ", "_").replace("-", "_")
    try:
        return SittingKind(key)
    except ValueError:
        raise DomainError(
            _(
                "“%(value)s” is not a kind of sitting (plenary, informal consultations, "
                "side event, other).",
                value=value,
            )
        ) from None


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise DomainError(_("“%(value)s” is not a date like 2018-06-18.", value=value)) from None


def _time(value: str, column: str) -> time:
    try:
        return time.fromisoformat(value.strip())
    except ValueError:
        raise DomainError(
            _("%(column)s “%(value)s” is not a time like 10:00.", column=column, value=value)
        ) from None


def _number(value: str) -> int:
    try:
        number = int(value.strip())
    except ValueError:
        raise DomainError(_("“%(value)s” is not a sitting number.", value=value)) from None
    if number < 1:
        raise DomainError(_("The sitting number must be 1 or more."))
    return number


class _Rooms:
    def __init__(self) -> None:
        self.by_name: dict[str, list[Room]] = {}
        for room in db.session.scalars(sa.select(Room)):
            self.by_name.setdefault(room.name.casefold(), []).append(room)

    def find(self, name: str, building: str) -> Room:
        candidates = self.by_name.get(name.strip().casefold(), [])
        if building.strip():
            candidates = [
                r for r in candidates if r.building.casefold() == building.strip().casefold()
            ]
        if not candidates:
            raise DomainError(_("There is no room called “%(name)s”.", name=name.strip()))
        if len(candidates) > 1:
            raise DomainError(
                _(
                    "Several buildings have a room called “%(name)s”: add a building column.",
                    name=name.strip(),
                )
            )
        return candidates[0]


def _parse(
    meeting: Meeting, text: str, progress: Callable[[int], None] | None
) -> tuple[list[_Row], list[ImportProblem]]:
    rows_of = table(text)
    missing = rows_of.missing(REQUIRED_COLUMNS)
    if missing:
        return [], [ImportProblem(1, _("missing columns: %(columns)s", columns=", ".join(missing)))]
    rooms = _Rooms()
    rows: list[_Row] = []
    problems: list[ImportProblem] = []
    for line, values in rows_of.rows():
        if len(rows) + len(problems) >= MAX_ROWS:
            problems.append(ImportProblem(line, _("more than %(n)d rows.", n=MAX_ROWS)))
            break
        try:
            zone: ZoneInfo | None = None
            if values.get("timezone", "").strip():
                zone = zone_named(values["timezone"])
            number = _number(values["number"])
            room = rooms.find(values["room"], values.get("building", ""))
            data = SittingData(
                kind=_kind(values["kind"]),
                title=values["title"],
                day=_date(values["date"]),
                start=_time(values["start"], "start"),
                end=_time(values["end"], "end"),
                room_id=room.id,
                agenda_items=values.get("agenda", "").replace("|", "\n"),
                number=number,
            )
            rows.append(_Row(line, plan(meeting, data, zone), number, room))
        except DomainError as error:
            problems.append(ImportProblem(line, error.message))
        if progress:
            progress(1)
    return rows, problems


def _clashes(meeting: Meeting, rows: list[_Row]) -> list[ImportProblem]:
    """Duplicate numbers and room overlaps, within the file and with sittings already booked."""
    problems: list[ImportProblem] = []
    first_line: dict[int, int] = {}
    for row in rows:
        if row.number in first_line:
            problems.append(
                ImportProblem(
                    row.line,
                    _(
                        "sitting number %(n)d is also on line %(other)d.",
                        n=row.number,
                        other=first_line[row.number],
                    ),
                )
            )
        else:
            first_line[row.number] = row.line
    if not rows:
        return problems
    # Within the file: in each room, every row against the longest-running row before it.
    ordered = sorted(rows, key=lambda r: (r.room.id, r.planned.starts_at))
    longest: _Row | None = None
    for current in ordered:
        if longest is None or longest.room.id != current.room.id:
            longest = current
            continue
        if current.planned.starts_at < longest.planned.ends_at:
            # Reported on the later line of the two, naming the earlier one.
            later, earlier = sorted((current.line, longest.line), reverse=True)
            problems.append(
                ImportProblem(
                    later,
                    _(
                        "%(room)s is also booked on line %(other)d at that time.",
                        room=current.room.name,
                        other=earlier,
                    ),
                )
            )
        if current.planned.ends_at > longest.planned.ends_at:
            longest = current
    # Sittings already in the database that this file does not replace.
    room_ids = {row.room.id for row in rows}
    replaced = {row.number for row in rows}
    earliest = min(row.planned.starts_at for row in rows)
    latest = max(row.planned.ends_at for row in rows)
    db.session.execute(sa.select(Room.id).where(Room.id.in_(room_ids)).with_for_update())
    booked = db.session.execute(
        sa.select(Sitting, Meeting.title)
        .join(Meeting, Meeting.id == Sitting.meeting_id)
        .where(
            Sitting.room_id.in_(room_ids),
            Sitting.status == SittingStatus.SCHEDULED,
            Sitting.starts_at < latest,
            Sitting.ends_at > earliest,
        )
    ).all()
    for row in rows:
        for sitting, meeting_title in booked:
            if sitting.meeting_id == meeting.id and sitting.number in replaced:
                continue
            if (
                sitting.room_id == row.room.id
                and sitting.starts_at < row.planned.ends_at
                and sitting.ends_at > row.planned.starts_at
            ):
                problems.append(
                    ImportProblem(
                        row.line,
                        _(
                            "%(room)s is already booked at that time for “%(title)s” of "
                            "%(meeting)s.",
                            room=row.room.name,
                            title=sitting.title,
                            meeting=meeting_title,
                        ),
                    )
                )
                break
    return problems


def checked_rows(
    actor: User | None,
    meeting: Meeting,
    text: str,
    progress: Callable[[int], None] | None = None,
) -> list[_Row]:
    """Every row of the file, checked (ProgrammeImportError lists every bad line)."""
    if actor is not None:
        require(actor, Permission.MANAGE_SCHEDULE)
    rows, problems = _parse(meeting, text, progress)
    problems += _clashes(meeting, rows)
    if problems:
        raise ProgrammeImportError(sorted(problems, key=lambda p: p.line))
    if not rows:
        raise ProgrammeImportError([ImportProblem(2, _("the file has no sittings."))])
    return rows


def existing_sittings(meeting: Meeting) -> dict[int, Sitting]:
    return {
        s.number: s
        for s in db.session.scalars(sa.select(Sitting).where(Sitting.meeting_id == meeting.id))
    }


COMPARED = ("kind", "title", "agenda_items", "starts_at", "ends_at", "room_id")


def differences(sitting: Sitting, planned: PlannedSitting) -> list[str]:
    """The fields the import would change in ``sitting``."""
    return [name for name in COMPARED if getattr(sitting, name) != getattr(planned, name)]


def changed_by_hand(sitting: Sitting) -> bool:
    """Changed since the last import wrote it, or never written by an import."""
    return sitting.imported_revision != sitting.revision


def import_programme(
    actor: User | None,
    meeting: Meeting,
    text: str,
    progress: Callable[[int], None] | None = None,
    *,
    replace_by_hand: frozenset[int] | None = None,
) -> ImportResult:
    """Write the file's sittings. Of those changed by hand since the last import, only the
    numbers in ``replace_by_hand`` are replaced, the others kept as they are (None: replace
    everything, as the command line does). A sitting changed by hand after the preview was
    shown is kept too: it was not among those the secretariat agreed to replace."""
    rows = checked_rows(actor, meeting, text, progress)
    existing = existing_sittings(meeting)
    result = ImportResult()
    created: list[_Row] = []
    for row in rows:
        sitting = existing.get(row.number)
        if sitting is None:
            created.append(row)
            result.created += 1
        elif (
            replace_by_hand is not None
            and row.number not in replace_by_hand
            and changed_by_hand(sitting)
            and differences(sitting, row.planned)
        ):
            result.kept += 1
            continue
        elif write_plan(actor, sitting, row.planned):
            result.updated += 1
        else:
            result.unchanged += 1
        if sitting is not None:
            sitting.imported_revision = sitting.revision
        result.numbers.append(row.number)
    _insert(actor, meeting, created)
    db.session.flush()
    return result


def _insert(actor: User | None, meeting: Meeting, rows: list[_Row]) -> None:
    """The new sittings in one batched INSERT with their audit entries in another: an import of
    20,000 rows takes seconds, not minutes. (Bulk inserts bypass the ORM's flush, so the
    meeting's schedule version is replaced here.)"""
    if not rows:
        return
    now = clock.now()
    values = [
        {
            "meeting_id": meeting.id,
            "number": row.number,
            "kind": row.planned.kind,
            "title": row.planned.title,
            "agenda_items": row.planned.agenda_items,
            "starts_at": row.planned.starts_at,
            "ends_at": row.planned.ends_at,
            "room_id": row.planned.room_id,
            "status": SittingStatus.SCHEDULED,
            "revision": 0,
            "imported_revision": 0,
            "created_at": now,
            "updated_at": now,
        }
        for row in rows
    ]
    table = cast(sa.Table, Sitting.__table__)
    ids = (
        db.session.connection()
        .execute(sa.insert(table).returning(table.c.id, sort_by_parameter_order=True), values)
        .scalars()
        .all()
    )
    record_created(
        actor,
        "sitting.imported",
        Sitting.__tablename__,
        [
            (sitting_id, {"number": row.number, "title": row.planned.title})
            for sitting_id, row in zip(ids, rows, strict=True)
        ],
    )
    new_versions(db.session(), {meeting.id})


def read_upload(data: bytes) -> str:
    """The text of an uploaded programme file."""
    return read_text(data)


__all__ = [
    "ImportProblem",
    "ImportResult",
    "ProgrammeImportError",
    "import_programme",
    "read_upload",
]
