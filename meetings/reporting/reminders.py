"""Reminders to the focal points of States whose report is not in: on the days before the close
the secretariat set (four weeks and one week, by default), through the outbox, in each focal
point's language; and to confirm points of contact not confirmed for a year. Each reminder is
written once per State and day (a unique row claimed before the mail is queued), so two workers
never send the same one twice."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import sqlalchemy as sa
from flask_babel import format_date
from flask_babel import gettext as _

from meetings import clock, mail
from meetings.auth.services import focal_point_addresses
from meetings.extensions import db
from meetings.reference.models import State, UNStatus
from meetings.reporting.cycles import closes_at, is_open
from meetings.reporting.models import (
    NationalReport,
    ReportingCycle,
    ReportReminder,
    ReportStatus,
)
from meetings.urls import external_url


def due_day(cycle: ReportingCycle, today: date) -> int | None:
    """The reminder due today: the nearest reminder day already reached (an earlier one that was
    missed is not sent late as well)."""
    left = (cycle.closes_on - today).days
    reached = [days for days in cycle.reminder_days if left <= days]
    return min(reached) if reached and left >= 0 else None


def _claim(cycle_id: int, state_id: int, days: int) -> bool:
    """Write the reminder's row unless it exists; whether this call wrote it."""
    values = {
        "cycle_id": cycle_id,
        "state_id": state_id,
        "days_before": days,
        "sent_at": clock.now(),
    }
    from sqlalchemy.dialects.postgresql import insert as pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(ReportReminder).values(values).on_conflict_do_nothing()
    return bool(db.session.execute(statement.returning(ReportReminder.id)).first())


def _subject(cycle: ReportingCycle) -> Callable[[], str]:
    """The reminder's subject, written in each recipient's language when queued."""
    return lambda: _(
        "%(meeting)s: your national report is due by %(day)s",
        meeting=cycle.meeting.display_title,
        day=format_date(cycle.closes_on, "long"),
    )


def send_due() -> int:
    """Queue the reminders due now for every open cycle; how many States were reminded."""
    sent = 0
    for cycle in db.session.scalars(sa.select(ReportingCycle)).unique():
        if not is_open(cycle):
            continue
        today = clock.now().astimezone(cycle.meeting.zone).date()
        days = due_day(cycle, today)
        if days is None:
            continue
        reported = sa.select(NationalReport.state_id).where(
            NationalReport.cycle_id == cycle.id, NationalReport.status == ReportStatus.SUBMITTED
        )
        states = db.session.scalars(
            sa.select(State)
            .where(State.un_status == UNStatus.MEMBER, State.id.not_in(reported))
            .order_by(State.name)
        ).all()
        for state in states:
            addresses = focal_point_addresses(state.id)
            if not addresses or not _claim(cycle.id, state.id, days):
                continue
            for address in addresses:
                mail.send(
                    address,
                    _subject(cycle),
                    "mail/report_reminder.txt",
                    cycle=cycle,
                    state=state,
                    closes_at=closes_at(cycle),
                    link=external_url("reporting_focal.index"),
                )
            sent += 1
    db.session.flush()
    return sent


def remind_contacts() -> int:
    """Ask the focal points to confirm contacts not confirmed for a year; how many States."""
    from meetings.reporting.contacts import unconfirmed

    by_state: dict[int, list[object]] = {}
    for contact in unconfirmed():
        by_state.setdefault(contact.state_id, []).append(contact)
        contact.reminded_at = clock.now()
    for state_id in by_state:
        for address in focal_point_addresses(state_id):
            mail.send(
                address,
                lambda: _("Please confirm your national points of contact"),
                "mail/contacts_reminder.txt",
                link=external_url("reporting_focal.contacts_page"),
            )
    db.session.flush()
    return len(by_state)


def run() -> tuple[int, int]:
    """The daily run (Celery beat, or ``flask reporting remind``); the caller commits."""
    return send_due(), remind_contacts()
