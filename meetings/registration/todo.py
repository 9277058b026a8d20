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
