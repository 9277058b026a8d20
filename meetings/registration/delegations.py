"""Delegations: credentials, caps per organisation, and the focal point's list."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from meetings.audit.services import record
from meetings.auth.models import User
from meetings.auth.permissions import Permission, require
from meetings.errors import DomainError
from meetings.extensions import db
from meetings.reference.models import OrganisationKind
from meetings.registration.models import CredentialsStatus as C
from meetings.registration.models import Delegation, ParticipationCap
from meetings.schedule.models import Meeting
from meetings.workflow import Workflow, by_permission

SECRETARIAT = frozenset({"secretariat"})

# The one table of the credentials of a delegation. The original may arrive without a copy first.
CREDENTIALS_WORKFLOW: Workflow[C, Delegation] = Workflow(
    name="credentials",
    attribute="credentials_status",
    table={
        (C.NONE, C.COPY_RECEIVED): SECRETARIAT,
        (C.NONE, C.ORIGINAL_RECEIVED): SECRETARIAT,
        (C.COPY_RECEIVED, C.ORIGINAL_RECEIVED): SECRETARIAT,
        (C.ORIGINAL_RECEIVED, C.ACCEPTED): SECRETARIAT,
    },
    kinds=by_permission(secretariat=Permission.MANAGE_REGISTRATIONS),
    refusal=lambda current, target: _(
        "Credentials that are “%(current)s” cannot become “%(target)s”.",
        current=current,
        target=target,
    ),
    not_allowed=lambda: _("You do not have permission to do this."),
)


def set_credentials(actor: User | None, delegation: Delegation, target: C) -> None:
    if actor is not None:
        require(actor, Permission.MANAGE_REGISTRATIONS)
    CREDENTIALS_WORKFLOW.move(actor, delegation, target)


def set_cap(
    actor: User | None, meeting: Meeting, kind: OrganisationKind, limit: int | None
) -> None:
    """At most ``limit`` active registrations per organisation of ``kind``; None lifts the cap."""
    if actor is not None:
        require(actor, Permission.MANAGE_REGISTRATIONS)
    if limit is not None and not 1 <= limit <= 10_000:
        raise DomainError(_("The cap must be between 1 and 10,000."), field="max_participants")
    cap = db.session.scalar(
        sa.select(ParticipationCap).where(
            ParticipationCap.meeting_id == meeting.id, ParticipationCap.organisation_kind == kind
        )
    )
    before = cap.max_participants if cap else None
    if limit is None:
        if cap is not None:
            db.session.delete(cap)
    elif cap is None:
        db.session.add(
            ParticipationCap(meeting_id=meeting.id, organisation_kind=kind, max_participants=limit)
        )
    else:
        cap.max_participants = limit
    db.session.flush()
    record(
        actor,
        "meeting.cap_set",
        meeting,
        before={"kind": kind, "cap": before},
        after={"kind": kind, "cap": limit},
    )


def caps(meeting: Meeting) -> dict[OrganisationKind, int]:
    return {
        cap.organisation_kind: cap.max_participants
        for cap in db.session.scalars(
            sa.select(ParticipationCap).where(ParticipationCap.meeting_id == meeting.id)
        )
    }


def delegations_of(actor: User) -> list[Delegation]:
    """The delegations of the focal point's State or organisation, newest meeting first."""
    require(actor, Permission.MANAGE_DELEGATION)
    assignment = actor.focal_point_assignment
    if assignment is None:
        return []
    column = Delegation.state_id if assignment.state_id else Delegation.organisation_id
    scope = assignment.state_id or assignment.organisation_id
    return list(
        db.session.scalars(
            sa.select(Delegation)
            .options(joinedload(Delegation.meeting))
            .where(column == scope)
            .order_by(Delegation.created_at.desc())
        )
    )


def delegations_for_meeting(actor: User, meeting: Meeting) -> list[Delegation]:
    require(actor, Permission.MANAGE_REGISTRATIONS)
    return list(
        db.session.scalars(sa.select(Delegation).where(Delegation.meeting_id == meeting.id))
    )
