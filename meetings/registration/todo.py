"""What waits for a focal point: registrations to approve, invitations not yet answered, per
delegation of a meeting still to come (one query for all their delegations)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from meetings.auth.models import User
from meetings.auth.permissions import Permission, has_permission
from meetings.extensions import db
from meetings.registration.models import Delegation, Registration, RegistrationStatus
from meetings.schedule.models import Meeting, MeetingState


@dataclass(frozen=True)
class DelegationTodo:
    delegation: Delegation
    to_approve: int  # submitted by a member, waiting for the focal point
    invitations_open: int  # sent, the invitee has not filled in their details yet

    @property
    def anything(self) -> bool:
        return bool(self.to_approve or self.invitations_open)


def _waiting(actor: User) -> sa.ColumnElement[int]:
    return sa.func.sum(
        sa.case(
            (
                sa.and_(
                    Registration.status == RegistrationStatus.SUBMITTED,
                    sa.or_(Registration.user_id.is_(None), Registration.user_id != actor.id),
                ),
                1,
            ),
            else_=0,
        )
    )


def _invited() -> sa.ColumnElement[int]:
    return sa.func.sum(
        sa.case(
            (
                sa.and_(
                    Registration.status == RegistrationStatus.DRAFT,
                    Registration.user_id.is_(None),
                    Registration.family_name == "",
                ),
                1,
            ),
            else_=0,
        )
    )


def focal_todo(actor: User) -> list[DelegationTodo]:
    """Each delegation of the focal point's State or organisation for a meeting not concluded,
    with what waits for them; empty for anyone who is not a focal point."""
    assignment = actor.focal_point_assignment
    if assignment is None or not has_permission(actor, Permission.MANAGE_DELEGATION):
        return []
    column = Delegation.state_id if assignment.state_id else Delegation.organisation_id
    scope = assignment.state_id or assignment.organisation_id
    counts = (
        sa.select(
            Registration.delegation_id.label("delegation_id"),
            _waiting(actor).label("to_approve"),
            _invited().label("invitations_open"),
        )
        .group_by(Registration.delegation_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(Delegation, counts.c.to_approve, counts.c.invitations_open)
        .join(Meeting, Meeting.id == Delegation.meeting_id)
        .outerjoin(counts, counts.c.delegation_id == Delegation.id)
        .options(joinedload(Delegation.meeting))
        .where(column == scope, Meeting.state != MeetingState.CONCLUDED)
        .order_by(Meeting.start_date)
    ).all()
    return [
        DelegationTodo(delegation, int(to_approve or 0), int(invited or 0))
        for delegation, to_approve, invited in rows
    ]


def todo_for(actor: User, delegation: Delegation) -> DelegationTodo | None:
    """What waits for ``actor`` on this delegation's page, if they are its focal point."""
    return next((t for t in focal_todo(actor) if t.delegation.id == delegation.id), None)


@dataclass(frozen=True)
class MeetingTodo:
    """What waits for the secretariat on one meeting not concluded."""

    meeting: Meeting
    submitted: int  # waiting for a first approval (the focal point's, or the secretariat's)
    to_accredit: int  # approved, waiting for accreditation
    passes_to_print: int  # accredited, pass never printed
    late: int  # registered after the deadline, with a reason to read

    @property
    def anything(self) -> bool:
        return bool(self.submitted or self.to_accredit or self.passes_to_print or self.late)


def _count_where(*conditions: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    return sa.func.sum(sa.case((sa.and_(*conditions), 1), else_=0))


def secretariat_todo(actor: User) -> list[MeetingTodo]:
    """Each meeting not concluded with work waiting for the secretariat (one query); empty for
    anyone who does not manage registrations."""
    if not has_permission(actor, Permission.MANAGE_REGISTRATIONS):
        return []
    status = Registration.status
    # Counted per meeting first, then joined to the meetings (PostgreSQL refuses a GROUP BY
    # beside the meeting's eagerly loaded process).
    counts = (
        sa.select(
            Registration.meeting_id.label("meeting_id"),
            _count_where(status == RegistrationStatus.SUBMITTED).label("submitted"),
            _count_where(status == RegistrationStatus.APPROVED).label("approved"),
            _count_where(
                status == RegistrationStatus.ACCREDITED, Registration.badge_printed_at.is_(None)
            ).label("unprinted"),
            _count_where(
                status.in_((RegistrationStatus.SUBMITTED, RegistrationStatus.APPROVED)),
                Registration.late_registration_reason.is_not(None),
            ).label("late"),
        )
        .group_by(Registration.meeting_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(Meeting, counts.c.submitted, counts.c.approved, counts.c.unprinted, counts.c.late)
        .join(counts, counts.c.meeting_id == Meeting.id)
        .where(Meeting.state != MeetingState.CONCLUDED)
        .order_by(Meeting.start_date)
    ).all()
    found = [
        MeetingTodo(meeting, int(a or 0), int(b or 0), int(c or 0), int(d or 0))
        for meeting, a, b, c, d in rows
    ]
    return [todo for todo in found if todo.anything]
