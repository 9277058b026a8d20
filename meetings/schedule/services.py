"""Processes, meetings and rooms: every rule and state change of the schedule except sittings."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time

import sqlalchemy as sa
from flask_babel import gettext as _

from meetings.audit.services import record
from meetings.auth.models import User
from meetings.auth.permissions import Permission, has_permission, require
from meetings.clock import FIRST_YEAR, LAST_YEAR
from meetings.errors import DomainError, NotFound
from meetings.extensions import db
from meetings.i18n import clean_translations
from meetings.schedule.models import (
    Meeting,
    MeetingFormat,
    MeetingKind,
    MeetingState,
    Process,
    Sitting,
)
from meetings.schedule.timezones import local_to_utc, zone_named
from meetings.schedule.versions import ScheduleStamp, stamp_of
from meetings.workflow import Workflow, by_permission

SECRETARIAT = frozenset({"secretariat"})
M = MeetingState
TITLE_LENGTH = 300

# The one table of how a meeting moves through its life, and who may move it.
MEETING_WORKFLOW: Workflow[MeetingState, Meeting] = Workflow(
    name="meeting",
    attribute="state",
    table={
        (M.PLANNED, M.REGISTRATION_OPEN): SECRETARIAT,
        (M.REGISTRATION_OPEN, M.REGISTRATION_CLOSED): SECRETARIAT,
        (M.REGISTRATION_CLOSED, M.REGISTRATION_OPEN): SECRETARIAT,
        (M.REGISTRATION_CLOSED, M.IN_SESSION): SECRETARIAT,
        (M.IN_SESSION, M.CONCLUDED): SECRETARIAT,
    },
    kinds=by_permission(secretariat=Permission.MANAGE_SCHEDULE),
    refusal=lambda current, target: _(
        "A meeting cannot go from “%(current)s” to “%(target)s”.", current=current, target=target
    ),
    not_allowed=lambda: _("You do not have permission to do this."),
)

DEFAULT_CLOSING_TIME = time(18, 0)
CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,39}$")


# --- processes -----------------------------------------------------------------------------------


def get_or_create_process(
    actor: User | None,
    *,
    code: str,
    title: str,
    description: str = "",
    titles: Mapping[str, str] | None = None,
) -> Process:
    if actor is not None:
        require(actor, Permission.MANAGE_SCHEDULE)
    process = db.session.scalar(sa.select(Process).where(Process.code == code))
    if process is None:
        process = Process(
            code=code,
            title=title,
            titles=clean_translations(titles or {}),
            description=description,
        )
        db.session.add(process)
        db.session.flush()
        record(actor, "process.created", process, after={"code": code, "title": title})
    return process


def processes() -> list[Process]:
    return list(db.session.scalars(sa.select(Process).order_by(Process.title)))


# --- meetings ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingData:
    """What the secretariat enters for a meeting; dates and deadlines in venue time."""

    process_id: int
    code: str
    title: str
    kind: MeetingKind
    venue: str
    timezone: str
    start_date: date
    end_date: date
    format: MeetingFormat
    registration_opens_on: date | None = None
    registration_deadline: date | None = None
    closing_time: time = DEFAULT_CLOSING_TIME
    # The title in the other official languages, by language code; empty ones are left out.
    titles: Mapping[str, str] = dataclasses.field(default_factory=dict)


def _meeting_values(data: MeetingData) -> dict[str, object]:
    code = data.code.strip().upper()
    if not CODE_PATTERN.match(code):
        raise DomainError(
            _("Use 2 to 40 capital letters, digits and hyphens, e.g. POA-REVCON3."), field="code"
        )
    if not data.title.strip():
        raise DomainError(_("Enter the title of the meeting."), field="title")
    titles = clean_translations(data.titles)
    for lang, title in titles.items():
        if len(title) > TITLE_LENGTH:
            raise DomainError(
                _("Use at most %(count)d characters.", count=TITLE_LENGTH), field=f"title_{lang}"
            )
    if not data.venue.strip():
        raise DomainError(_("Enter the venue."), field="venue")
    zone = zone_named(data.timezone)
    for day, field in ((data.start_date, "start_date"), (data.end_date, "end_date")):
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise DomainError(
                _("Enter a date between %(first)d and %(last)d.", first=FIRST_YEAR, last=LAST_YEAR),
                field=field,
            )
    if data.end_date < data.start_date:
        raise DomainError(
            _("The meeting must end on or after the day it starts."), field="end_date"
        )
    if db.session.get(Process, data.process_id) is None:
        raise DomainError(_("Choose a process."), field="process_id")
    opens_at = (
        local_to_utc(data.registration_opens_on, time(0, 0), zone, field="registration_opens_on")
        if data.registration_opens_on
        else None
    )
    closes_at = (
        local_to_utc(
            data.registration_deadline, data.closing_time, zone, field="registration_deadline"
        )
        if data.registration_deadline
        else None
    )
    if opens_at and closes_at and closes_at <= opens_at:
        raise DomainError(
            _("The registration deadline must come after registration opens."),
            field="registration_deadline",
        )
    if data.registration_deadline and data.registration_deadline > data.end_date:
        raise DomainError(
            _("The registration deadline cannot be after the meeting ends."),
            field="registration_deadline",
        )
    return {
        "process_id": data.process_id,
        "code": code,
        "title": data.title.strip(),
        "titles": titles,
        "kind": data.kind,
        "venue": data.venue.strip(),
        "timezone": zone.key,
        "start_date": data.start_date,
        "end_date": data.end_date,
        "format": data.format,
        "registration_opens_at": opens_at,
        "registration_closes_at": closes_at,
    }


def _code_taken(code: str, meeting_id: int | None) -> bool:
    query = sa.select(Meeting.id).where(Meeting.code == code)
    if meeting_id is not None:
        query = query.where(Meeting.id != meeting_id)
    return db.session.scalar(query) is not None


def create_meeting(actor: User | None, data: MeetingData) -> Meeting:
    if actor is not None:
        require(actor, Permission.MANAGE_SCHEDULE)
    values = _meeting_values(data)
    if _code_taken(str(values["code"]), None):
        raise DomainError(_("Another meeting already uses this code."), field="code")
    meeting = Meeting(**values)
    db.session.add(meeting)
    db.session.flush()
    record(actor, "meeting.created", meeting, after=values)
    return meeting


def update_meeting(actor: User, meeting: Meeting, data: MeetingData) -> None:
    require(actor, Permission.MANAGE_SCHEDULE)
    values = _meeting_values(data)
    if _code_taken(str(values["code"]), meeting.id):
        raise DomainError(_("Another meeting already uses this code."), field="code")
    first, last = _sitting_span(meeting)
    if values["timezone"] != meeting.timezone and first is not None:
        raise DomainError(
            _(
                "The time zone cannot change once sittings are scheduled: their times were entered "
                "in %(zone)s.",
                zone=meeting.timezone,
            ),
            field="timezone",
        )
    if first is not None and last is not None:
        zone = meeting.zone
        if (
            first.astimezone(zone).date() < data.start_date
            or last.astimezone(zone).date() > data.end_date
        ):
            raise DomainError(
                _(
                    "Sittings are scheduled from %(first)s to %(last)s; the meeting's dates must "
                    "include them.",
                    first=first.astimezone(zone).date().isoformat(),
                    last=last.astimezone(zone).date().isoformat(),
                ),
                field="start_date",
            )
    before = {key: getattr(meeting, key) for key in values}
    changed = {key: value for key, value in values.items() if before[key] != value}
    if not changed:
        return
    for key, value in changed.items():
        setattr(meeting, key, value)
    db.session.flush()
    record(actor, "meeting.updated", meeting, before={k: before[k] for k in changed}, after=changed)


def _sitting_span(meeting: Meeting) -> tuple[datetime | None, datetime | None]:
    row = db.session.execute(
        sa.select(sa.func.min(Sitting.starts_at), sa.func.max(Sitting.ends_at)).where(
            Sitting.meeting_id == meeting.id
        )
    ).one()
    return row[0], row[1]


def change_meeting_state(actor: User | None, meeting: Meeting, target: MeetingState) -> None:
    if actor is not None:
        require(actor, Permission.MANAGE_SCHEDULE)
    MEETING_WORKFLOW.move(actor, meeting, target)


def set_published(actor: User | None, meeting: Meeting, published: bool) -> None:
    if actor is not None:
        require(actor, Permission.MANAGE_SCHEDULE)
    if meeting.is_published == published:
        return
    meeting.is_published = published
    db.session.flush()
    record(
        actor,
        "meeting.published" if published else "meeting.unpublished",
        meeting,
        before={"is_published": not published},
        after={"is_published": published},
    )


def meeting_data(meeting: Meeting) -> MeetingData:
    """The editable values of ``meeting``, in venue time (to fill the edit form)."""
    zone = meeting.zone
    return MeetingData(
        process_id=meeting.process_id,
        code=meeting.code,
        title=meeting.title,
        titles=dict(meeting.titles),
        kind=meeting.kind,
        venue=meeting.venue,
        timezone=meeting.timezone,
        start_date=meeting.start_date,
        end_date=meeting.end_date,
        format=meeting.format,
        registration_opens_on=meeting.registration_opens_at.astimezone(zone).date()
        if meeting.registration_opens_at
        else None,
        registration_deadline=meeting.registration_closes_at.astimezone(zone).date()
        if meeting.registration_closes_at
        else None,
        closing_time=meeting.registration_closes_at.astimezone(zone).time()
        if meeting.registration_closes_at
        else DEFAULT_CLOSING_TIME,
    )


def meeting_with_code(code: str) -> Meeting | None:
    return db.session.scalar(sa.select(Meeting).where(Meeting.code == code.strip().upper()))


def meeting_by_code(code: str) -> Meeting:
    """Any meeting by its code, published or not (for the command line and other services)."""
    meeting = meeting_with_code(code)
    if meeting is None:
        raise NotFound(_("There is no meeting with the code %(code)s.", code=code))
    return meeting


def visible_meeting(actor: User | None, code: str) -> Meeting:
    """The meeting with this code, if ``actor`` may see it (published, or the secretariat)."""
    meeting = meeting_with_code(code)
    if meeting is None or not (meeting.is_published or can_manage(actor)):
        raise NotFound(_("There is no such meeting."))
    return meeting


def visible_stamp(actor: User | None, code: str) -> ScheduleStamp:
    """The schedule stamp of the meeting with this code, if ``actor`` may see it: what a feed's
    304 and a cached programme page need, in one indexed lookup."""
    stamp = stamp_of(code)
    if stamp is None or not (stamp.is_published or can_manage(actor)):
        raise NotFound(_("There is no such meeting."))
    return stamp


def managed_meeting(actor: User, code: str) -> Meeting:
    require(actor, Permission.MANAGE_SCHEDULE)
    return visible_meeting(actor, code)


def require_scheduler(actor: User) -> None:
    """Raise PermissionDenied unless ``actor`` runs the schedule (before showing its forms)."""
    require(actor, Permission.MANAGE_SCHEDULE)


def can_manage(actor: User | None) -> bool:
    return has_permission(actor, Permission.MANAGE_SCHEDULE)


def registration_window_is_open(meeting: Meeting, now: datetime) -> bool:
    """Whether people may register for ``meeting`` now: its state says registration is open, and
    ``now`` is between the opening and the deadline (when set)."""
    if meeting.state is not MeetingState.REGISTRATION_OPEN:
        return False
    if meeting.registration_opens_at and now < meeting.registration_opens_at:
        return False
    return not (meeting.registration_closes_at and now >= meeting.registration_closes_at)


def public_meetings() -> list[Meeting]:
    return list(
        db.session.scalars(
            sa.select(Meeting).where(Meeting.is_published).order_by(Meeting.start_date.desc())
        )
    )


def all_meetings(actor: User) -> list[Meeting]:
    require(actor, Permission.MANAGE_SCHEDULE)
    return list(db.session.scalars(sa.select(Meeting).order_by(Meeting.start_date.desc())))


def current_meeting(actor: User) -> Meeting | None:
    """The meeting the secretariat most likely works on: the first not yet concluded (in
    session or coming), else the latest."""
    require(actor, Permission.MANAGE_REGISTRATIONS)
    coming = db.session.scalar(
        sa.select(Meeting)
        .where(Meeting.state != MeetingState.CONCLUDED)
        .order_by(Meeting.start_date, Meeting.id)
        .limit(1)
    )
    return coming or db.session.scalar(
        sa.select(Meeting).order_by(Meeting.start_date.desc(), Meeting.id.desc()).limit(1)
    )


def meetings_for(actor: User | None) -> list[Meeting]:
    """The meetings ``actor`` may pick from a list (earmarks, calls): every meeting for those
    who plan or fund them, the published ones for everyone else."""
    if any(
        has_permission(actor, needed)
        for needed in (Permission.MANAGE_SCHEDULE, Permission.MANAGE_FUND)
    ):
        return list(db.session.scalars(sa.select(Meeting).order_by(Meeting.start_date.desc())))
    return public_meetings()
