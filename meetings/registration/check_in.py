"""The check-in desk: the meeting being checked in, people found by name (with their photo, to
compare with the face in front of the desk), and how many have come."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from meetings.auth.models import User
from meetings.auth.permissions import Permission, require
from meetings.errors import NotFound
from meetings.extensions import db
from meetings.registration.badges import CheckIn, record_check_in
from meetings.registration.models import Registration, RegistrationStatus
from meetings.schedule.models import Meeting, MeetingState

# Meetings a desk checks people in for, the one in session first.
DESK_STATES = (
    MeetingState.IN_SESSION,
    MeetingState.REGISTRATION_CLOSED,
    MeetingState.REGISTRATION_OPEN,
)
MAX_FOUND = 25


def desk_meetings(actor: User) -> list[Meeting]:
    require(actor, Permission.MANAGE_REGISTRATIONS)
    meetings = db.session.scalars(
        sa.select(Meeting).where(Meeting.state.in_(DESK_STATES)).order_by(Meeting.start_date)
    ).all()
    return sorted(meetings, key=lambda m: DESK_STATES.index(m.state))


def desk_meeting(actor: User, meeting_id: int | None) -> Meeting | None:
    """The meeting asked for, or the first one a desk would be open for."""
    meetings = desk_meetings(actor)
    chosen = next((m for m in meetings if m.id == meeting_id), None)
    return chosen or (meetings[0] if meetings else None)


@dataclass(frozen=True)
class Count:
    checked_in: int
    accredited: int


def count(actor: User, meeting: Meeting) -> Count:
    require(actor, Permission.MANAGE_REGISTRATIONS)
    accredited, checked_in = db.session.execute(
        sa.select(
            sa.func.count(),
            sa.func.count(Registration.checked_in_at),
        ).where(
            Registration.meeting_id == meeting.id,
            Registration.status == RegistrationStatus.ACCREDITED,
        )
    ).one()
    return Count(checked_in=int(checked_in), accredited=int(accredited))


def find(actor: User, meeting: Meeting, text: str) -> list[Registration]:
    """Accredited people of ``meeting`` whose name contains every word of ``text``."""
    require(actor, Permission.MANAGE_REGISTRATIONS)
    words = [w for w in text.lower().replace("%", " ").replace("_", " ").split() if w][:5]
    if not words:
        return []
    name = sa.func.lower(Registration.given_names + " " + Registration.family_name)
    return list(
        db.session.scalars(
            sa.select(Registration)
            .options(joinedload(Registration.delegation))
            .where(
                Registration.meeting_id == meeting.id,
                Registration.status == RegistrationStatus.ACCREDITED,
                *(name.contains(word, autoescape=True) for word in words),
            )
            .order_by(Registration.family_name, Registration.given_names)
            .limit(MAX_FOUND)
        )
    )


def check_in_person(actor: User, meeting: Meeting, registration_id: int) -> CheckIn:
    """Check in someone found by name (the desk compared the photo with the face)."""
    require(actor, Permission.MANAGE_REGISTRATIONS)
    registration = db.session.scalar(
        sa.select(Registration)
        .options(joinedload(Registration.delegation), joinedload(Registration.meeting))
        .where(Registration.id == registration_id, Registration.meeting_id == meeting.id)
        .with_for_update(of=Registration)
    )
    if registration is None:
        raise NotFound(_("There is no such registration."))
    return record_check_in(actor, registration)
