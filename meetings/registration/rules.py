"""The rules a registration must meet before it holds a place: the registration window, one
registration per person, the nomination letter, and the cap per organisation."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import format_date
from flask_babel import gettext as _

from meetings.auth.models import User
from meetings.errors import DomainError
from meetings.extensions import db
from meetings.reference.models import Organisation
from meetings.registration import access
from meetings.registration.models import (
    ACTIVE_STATUSES,
    Delegation,
    ParticipationCap,
    Registration,
)
from meetings.schedule.models import Meeting
from meetings.schedule.services import registration_window_is_open

window_is_open = registration_window_is_open  # the meeting's own rule, read here by its name


def _when(moment: datetime, meeting: Meeting) -> dict[str, str]:
    local = moment.astimezone(meeting.zone)
    return {
        "day": str(format_date(local.date(), "long")),
        "time": local.strftime("%H:%M"),
        "zone": local.tzname() or meeting.timezone,
    }


def window_message(meeting: Meeting, now: datetime) -> str:
    if meeting.registration_opens_at and now < meeting.registration_opens_at:
        return str(
            _(
                "Registration for this meeting opens on %(day)s at %(time)s %(zone)s.",
                **_when(meeting.registration_opens_at, meeting),
            )
        )
    if meeting.registration_closes_at and now >= meeting.registration_closes_at:
        return str(
            _(
                "Registration for this meeting closed on %(day)s at %(time)s %(zone)s.",
                **_when(meeting.registration_closes_at, meeting),
            )
        )
    return str(_("Registration for this meeting is not open."))


def check_window(actor: User | None, meeting: Meeting, now: datetime, late_reason: str) -> bool:
    """True when the window is open. When it is not, only the secretariat may go on, and only
    with a reason (returns False: the caller logs the override). Raises otherwise."""
    if window_is_open(meeting, now):
        return True
    if actor is None or access.is_secretariat(actor):
        if actor is not None and not late_reason.strip():
            raise DomainError(
                window_message(meeting, now)
                + " "
                + _("Give the reason for registering this person anyway."),
                field="late_registration_reason",
            )
        return False
    raise DomainError(window_message(meeting, now))


def check_unique(meeting: Meeting, email: str, *, ignore: int | None = None) -> None:
    query = sa.select(Registration.id).where(
        Registration.meeting_id == meeting.id, Registration.email == email
    )
    if ignore is not None:
        query = query.where(Registration.id != ignore)
    if db.session.scalar(query) is not None:
        raise DomainError(
            _("%(email)s is already registered for this meeting.", email=email), field="email"
        )


def lock_delegation(delegation: Delegation) -> None:
    """Serialise the checks of one delegation: a row lock on PostgreSQL; on SQLite the
    transaction already holds the database's write lock (BEGIN IMMEDIATE)."""
    db.session.execute(
        sa.select(Delegation.id).where(Delegation.id == delegation.id).with_for_update()
    )


def check_cap(delegation: Delegation, *, adding: Registration | None = None) -> None:
    """Refuse one more active registration when the organisation's cap is reached."""
    if delegation.organisation_id is None:
        return
    organisation = db.session.get(Organisation, delegation.organisation_id)
    assert organisation is not None
    cap = db.session.scalar(
        sa.select(ParticipationCap.max_participants).where(
            ParticipationCap.meeting_id == delegation.meeting_id,
            ParticipationCap.organisation_kind == organisation.kind,
        )
    )
    if cap is None:
        return
    lock_delegation(delegation)
    query = sa.select(sa.func.count(Registration.id)).where(
        Registration.delegation_id == delegation.id, Registration.status.in_(ACTIVE_STATUSES)
    )
    if adding is not None and adding.id is not None:
        query = query.where(Registration.id != adding.id)
    taken = db.session.scalar(query) or 0
    if taken >= cap:
        raise DomainError(
            _(
                "%(organisation)s already has %(cap)d participants registered, the most this "
                "meeting allows.",
                organisation=organisation.name,
                cap=cap,
            )
        )


def check_can_submit(actor: User | None, registration: Registration, now: datetime) -> None:
    """Everything a draft needs before it is submitted."""
    missing = [
        label
        for label, value in (
            (_("given names"), registration.given_names),
            (_("family name"), registration.family_name),
            (_("functional title"), registration.functional_title),
        )
        if not value
    ]
    if missing or registration.gender is None:
        raise DomainError(_("Complete the registration before submitting it."))
    if (
        registration.category.is_government
        and not registration.added_on_behalf
        and registration.nomination_letter_id is None
    ):
        raise DomainError(
            _("Upload the nomination letter from your Government or Permanent Mission."),
            field="nomination_letter",
        )
    if not window_is_open(registration.meeting, now) and not (
        actor is None or access.is_secretariat(actor)
    ):
        raise DomainError(window_message(registration.meeting, now))
    check_cap(registration.delegation, adding=registration)
