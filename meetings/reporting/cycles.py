"""Reporting cycles: a meeting's call for national reports, synchronised with it (resolution
72/57, paragraph 18). The secretariat sets when it opens and closes (18:00 venue time on the
closing day, as for registration), the template version and the instruments it covers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from meetings import clock
from meetings.audit.services import record
from meetings.auth.models import User
from meetings.auth.permissions import Permission, require
from meetings.errors import DomainError, NotFound
from meetings.extensions import db
from meetings.reporting.models import Instruments, ReportingCycle, ReportTemplate
from meetings.reporting.template_files import Form
from meetings.schedule.models import Meeting
from meetings.schedule.timezones import local_to_utc
from meetings.schedule.versions import new_versions

CLOSING_TIME = time(18, 0)
DEFAULT_WEEKS_BEFORE = 6  # a cycle closes, unless set otherwise, six weeks before the meeting
DEFAULT_REMINDERS = (28, 7)  # days before the close


@dataclass(frozen=True)
class CycleData:
    meeting_id: int
    template_id: int
    instruments: Instruments
    opens_on: date
    closes_on: date
    reminder_days: list[int] = field(default_factory=lambda: list(DEFAULT_REMINDERS))


def default_dates(meeting: Meeting, today: date) -> tuple[date, date]:
    """Opening today, closing six weeks before the meeting opens (never before today)."""
    closes = max(meeting.start_date - timedelta(weeks=DEFAULT_WEEKS_BEFORE), today)
    return min(today, closes), closes


def closes_at(cycle: ReportingCycle) -> datetime:
    """The close, as aware UTC: 18:00 in the meeting's time zone on the closing day."""
    return local_to_utc(cycle.closes_on, CLOSING_TIME, cycle.meeting.zone, field="closes_on")


def opens_at(cycle: ReportingCycle) -> datetime:
    return local_to_utc(cycle.opens_on, time(0, 0), cycle.meeting.zone, field="opens_on")


def is_open(cycle: ReportingCycle, moment: datetime | None = None) -> bool:
    moment = moment or clock.now()
    return opens_at(cycle) <= moment < closes_at(cycle)


def form_of(cycle: ReportingCycle) -> Form:
    return Form(cycle.template, cycle.instruments)


def _check(data: CycleData) -> tuple[Meeting, ReportTemplate]:
    meeting = db.session.get(Meeting, data.meeting_id)
    if meeting is None:
        raise DomainError(_("Choose the meeting the reports are for."), field="meeting_id")
    template = db.session.get(ReportTemplate, data.template_id)
    if template is None:
        raise DomainError(_("Choose the template."), field="template_id")
    if data.closes_on < data.opens_on:
        raise DomainError(_("The cycle must close after it opens."), field="closes_on")
    if data.closes_on >= meeting.start_date:
        raise DomainError(
            _("Reports must be in before the meeting opens on %(day)s.", day=meeting.start_date),
            field="closes_on",
        )
    days = sorted(set(data.reminder_days), reverse=True)
    if any(day < 1 or day > 365 for day in days):
        raise DomainError(
            _("Reminders are sent between 1 and 365 days before the close."), field="reminder_days"
        )
    return meeting, template


def create_cycle(actor: User | None, data: CycleData) -> ReportingCycle:
    if actor is not None:
        require(actor, Permission.MANAGE_REPORTING)
    meeting, template = _check(data)
    if db.session.scalar(
        sa.select(ReportingCycle.id).where(ReportingCycle.meeting_id == meeting.id)
    ):
        raise DomainError(
            _("%(meeting)s already has a reporting cycle.", meeting=meeting.title),
            field="meeting_id",
        )
    cycle = ReportingCycle(
        meeting_id=meeting.id,
        template_id=template.id,
        instruments=data.instruments,
        opens_on=data.opens_on,
        closes_on=data.closes_on,
        reminder_days=sorted(set(data.reminder_days), reverse=True),
    )
    db.session.add(cycle)
    db.session.flush()
    # The meeting's kept pages now link the cycle: they are built again.
    new_versions(db.session(), {meeting.id})
    record(actor, "reporting_cycle.created", cycle, after=_values(cycle))
    return cycle


def update_cycle(actor: User, cycle: ReportingCycle, data: CycleData) -> ReportingCycle:
    """New dates, reminders or instruments; the template cannot change once a report exists."""
    require(actor, Permission.MANAGE_REPORTING)
    _check(data)
    from meetings.reporting.models import NationalReport

    started = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(NationalReport)
        .where(NationalReport.cycle_id == cycle.id)
    )
    if started and data.template_id != cycle.template_id:
        raise DomainError(
            _("States have begun their reports on this template: it cannot change now."),
            field="template_id",
        )
    if data.meeting_id != cycle.meeting_id:
        raise DomainError(_("A cycle stays with its meeting."), field="meeting_id")
    before = _values(cycle)
    cycle.template_id = data.template_id
    cycle.instruments = data.instruments
    cycle.opens_on = data.opens_on
    cycle.closes_on = data.closes_on
    cycle.reminder_days = sorted(set(data.reminder_days), reverse=True)
    db.session.flush()
    db.session.expire(cycle, ["template"])
    record(actor, "reporting_cycle.changed", cycle, before=before, after=_values(cycle))
    return cycle


def _values(cycle: ReportingCycle) -> dict[str, object]:
    return {
        "meeting_id": cycle.meeting_id,
        "template_id": cycle.template_id,
        "instruments": cycle.instruments,
        "opens_on": cycle.opens_on,
        "closes_on": cycle.closes_on,
        "reminder_days": list(cycle.reminder_days),
    }


def form_choices() -> tuple[list[Meeting], list[ReportTemplate]]:
    """What a cycle may be for and on: meetings (latest first) and template versions."""
    meetings = db.session.scalars(sa.select(Meeting).order_by(Meeting.start_date.desc())).all()
    templates = db.session.scalars(
        sa.select(ReportTemplate).order_by(ReportTemplate.code, ReportTemplate.version.desc())
    ).all()
    return list(meetings), list(templates)


def cycle_by_id(cycle_id: int) -> ReportingCycle:
    cycle = db.session.get(ReportingCycle, cycle_id)
    if cycle is None:
        raise NotFound(_("There is no such reporting cycle."))
    return cycle


def cycles() -> list[ReportingCycle]:
    """Every cycle, the latest meeting first."""
    return list(
        db.session.scalars(
            sa.select(ReportingCycle).join(Meeting).order_by(Meeting.start_date.desc())
        ).unique()
    )


def cycle_of_meeting(meeting_id: int) -> ReportingCycle | None:
    return db.session.scalar(
        sa.select(ReportingCycle).where(ReportingCycle.meeting_id == meeting_id)
    )
