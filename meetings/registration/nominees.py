"""What other features may ask of registration (sponsorship asks whether its nominee holds a
place and is accredited): registrations read only through here."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from meetings.errors import DomainError
from meetings.extensions import db
from meetings.reference.models import State
from meetings.registration.models import (
    ACTIVE_STATUSES,
    Delegation,
    Registration,
    RegistrationStatus,
)
from meetings.schedule.models import Meeting


def nominee(meeting: Meeting, state: State, registration_id: int) -> Registration:
    """A registration that holds a place in ``state``'s delegation to ``meeting``; DomainError
    (for the ``registration_id`` field) for anyone else."""
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.meeting_id != meeting.id:
        raise DomainError(
            _("Choose a member of your delegation to this meeting."), field="registration_id"
        )
    delegation = db.session.get(Delegation, registration.delegation_id)
    if delegation is None or delegation.state_id != state.id:
        raise DomainError(
            _(
                "This person is registered for another delegation, not for %(state)s.",
                state=state.name,
            ),
            field="registration_id",
        )
    if registration.status not in ACTIVE_STATUSES:
        raise DomainError(
            _("This registration does not hold a place at the meeting."), field="registration_id"
        )
    return registration


def is_accredited(registration_id: int | None) -> bool:
    if registration_id is None:
        return False
    registration = db.session.get(Registration, registration_id)
    return registration is not None and registration.status is RegistrationStatus.ACCREDITED


def members_of(meeting: Meeting, state: State) -> list[Registration]:
    """The registrations that hold a place in ``state``'s delegation to ``meeting``."""
    return list(
        db.session.scalars(
            sa.select(Registration)
            .join(Delegation, Delegation.id == Registration.delegation_id)
            .where(
                Registration.meeting_id == meeting.id,
                Delegation.state_id == state.id,
                Registration.status.in_(ACTIVE_STATUSES),
            )
            .order_by(Registration.family_name, Registration.given_names)
        )
    )


def checked_in_at(registration_id: int | None) -> datetime | None:
    """When the registration was checked in at the venue (its badge scanned or found by name)."""
    if registration_id is None:
        return None
    registration = db.session.get(Registration, registration_id)
    return registration.checked_in_at if registration is not None else None


def people(registration_ids: list[int]) -> dict[int, Registration]:
    """Registrations by id, in one query (names and genders for lists and reports)."""
    if not registration_ids:
        return {}
    return {
        r.id: r
        for r in db.session.scalars(
            sa.select(Registration).where(Registration.id.in_(set(registration_ids)))
        )
    }
