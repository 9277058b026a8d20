"""Delegations: credentials, caps per organisation, and the focal point's list."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from meetings import mail
from meetings.audit.services import record
from meetings.auth.models import User
from meetings.auth.permissions import Permission, require
from meetings.documents.services import Upload, new_document
from meetings.errors import DomainError, NotFound
from meetings.extensions import db
from meetings.reference.models import OrganisationKind
from meetings.registration import access
from meetings.registration.models import (
    ACTIVE_STATUSES,
    Delegation,
    DelegationRole,
    ParticipationCap,
    Registration,
)
from meetings.registration.models import CredentialsStatus as C
from meetings.schedule.models import Meeting
from meetings.urls import external_url
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


# --- nomination and head --------------------------------------------------------------------------


def set_nomination(
    actor: User,
    delegation: Delegation,
    *,
    reference: str,
    issued_on: date | None,
    upload: Upload | None,
) -> None:
    """The note verbale or letter nominating the delegation: reference, date and file."""
    access.require_focal_point(actor, delegation, or_secretariat=True)
    if not reference.strip():
        raise DomainError(
            _("Enter the reference of the note verbale or letter."), field="reference"
        )
    if upload is None and delegation.nomination_document_id is None:
        raise DomainError(_("Choose the file of the note verbale or letter."), field="file")
    before = {"reference": delegation.nomination_reference, "date": delegation.nomination_date}
    delegation.nomination_reference = reference.strip()
    delegation.nomination_date = issued_on
    if upload is not None:
        delegation.nomination_document = new_document(actor, upload)
    db.session.flush()
    record(
        actor,
        "delegation.nomination_set",
        delegation,
        before=before,
        after={"reference": delegation.nomination_reference, "date": issued_on},
    )


def head_candidates(actor: User, delegation: Delegation, members: list[Registration]) -> set[int]:
    """The ids of the members ``actor`` may name head of ``delegation`` (for its buttons)."""
    if not (access.is_focal_point_of(actor, delegation) or access.is_secretariat(actor)):
        return set()
    return {
        member.id
        for member in members
        if member.status in ACTIVE_STATUSES and member.id != delegation.head_registration_id
    }


def name_head(actor: User | None, delegation: Delegation, registration: Registration) -> None:
    """Name the head of ``delegation``: one person; the previous head becomes an alternate.
    ``actor`` None is the system itself (demo data)."""
    if actor is not None:
        access.require_focal_point(actor, delegation, or_secretariat=True)
    if registration.delegation_id != delegation.id:
        raise NotFound(_("There is no such registration."))
    if registration.status not in ACTIVE_STATUSES:
        raise DomainError(_("Only a registered member can head the delegation."))
    before = delegation.head_registration_id
    if before == registration.id:
        return
    previous = current_head(delegation)
    if previous is not None and previous.role is DelegationRole.HEAD:
        previous.role = DelegationRole.ALTERNATE
    delegation.head_registration_id = registration.id
    registration.role = DelegationRole.HEAD
    db.session.flush()
    record(
        actor,
        "delegation.head_named",
        delegation,
        before={"head": before},
        after={"head": registration.id},
    )
    _tell_heads(delegation, registration, previous)


def current_head(delegation: Delegation) -> Registration | None:
    """The registration that heads ``delegation`` now, if any."""
    if delegation.head_registration_id is None:
        return None
    return db.session.get(Registration, delegation.head_registration_id)


def _tell_heads(delegation: Delegation, head: Registration, previous: Registration | None) -> None:
    """The new head is told, and the one replaced, each in their own words."""
    meeting = db.session.get(Meeting, delegation.meeting_id)
    assert meeting is not None
    for person, replaced in ((head, False), (previous, True)):
        if person is None or not person.email:
            continue
        mail.send(
            person.email,
            lambda: _(
                "%(meeting)s: head of the delegation of %(delegation)s",
                meeting=meeting.display_title,
                delegation=delegation.name,
            ),
            "mail/delegation_head.txt",
            person=person,
            head=head,
            previous=previous,
            replaced=replaced,
            delegation=delegation,
            meeting=meeting,
            link=external_url("registration.detail", registration_id=person.id),
        )
