"""Who may see and act on which delegation and registration. Anything a user may not see is
"not found" to them, so that guessing ids reveals nothing."""

from __future__ import annotations

import sqlalchemy as sa
from flask import g, has_request_context
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from meetings.auth.models import Role, RoleAssignment, User
from meetings.auth.permissions import Permission, acts_for, has_permission
from meetings.errors import NotFound, PermissionDenied
from meetings.extensions import db
from meetings.registration.models import Delegation, Registration


def is_secretariat(actor: User | None) -> bool:
    return has_permission(actor, Permission.MANAGE_REGISTRATIONS)


def is_focal_point_of(actor: User | None, delegation: Delegation) -> bool:
    return (
        acts_for(actor, state_id=delegation.state_id)
        if delegation.state_id
        else acts_for(actor, organisation_id=delegation.organisation_id)
    )


def has_focal_point(delegation: Delegation, *, besides: int | None = None) -> bool:
    """Whether anyone (other than the user ``besides``) acts as focal point for this delegation's
    State or organisation. The focal points are read once per request and delegation: a page of
    members asks this for each of them."""
    cache: dict[int, frozenset[int]] = (
        g.setdefault("meetings_focal_point_ids", {}) if has_request_context() else {}
    )
    if delegation.id not in cache:
        cache[delegation.id] = frozenset(
            db.session.scalars(focal_points(delegation).with_only_columns(User.id))
        )
    return bool(cache[delegation.id] - {besides})


def focal_points(delegation: Delegation) -> sa.Select[tuple[User]]:
    """The active users who act as focal point for this delegation's State or organisation."""
    column = RoleAssignment.state_id if delegation.state_id else RoleAssignment.organisation_id
    scope = delegation.state_id or delegation.organisation_id
    return (
        sa.select(User)
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(RoleAssignment.role == Role.FOCAL_POINT, column == scope, User.active)
    )


def can_see_delegation(actor: User | None, delegation: Delegation) -> bool:
    return is_secretariat(actor) or is_focal_point_of(actor, delegation)


def can_see_registration(actor: User | None, registration: Registration) -> bool:
    if actor is None:
        return False
    if registration.user_id == actor.id:
        return True
    return can_see_delegation(actor, registration.delegation)


def delegation_for(actor: User | None, delegation_id: int) -> Delegation:
    delegation = db.session.scalar(
        sa.select(Delegation)
        .options(joinedload(Delegation.meeting))
        .where(Delegation.id == delegation_id)
    )
    if delegation is None or not can_see_delegation(actor, delegation):
        raise NotFound(_("There is no such delegation."))
    return delegation


def registration_for(actor: User | None, registration_id: int) -> Registration:
    registration = db.session.scalar(
        sa.select(Registration)
        .options(
            joinedload(Registration.meeting),
            joinedload(Registration.delegation),
            joinedload(Registration.nomination_letter),
            joinedload(Registration.photo),
        )
        .where(Registration.id == registration_id)
    )
    if registration is None or not can_see_registration(actor, registration):
        raise NotFound(_("There is no such registration."))
    return registration


def require_focal_point(
    actor: User, delegation: Delegation, *, or_secretariat: bool = False
) -> None:
    """PermissionDenied unless ``actor`` is this delegation's focal point (or the secretariat)."""
    if is_focal_point_of(actor, delegation):
        return
    if or_secretariat and is_secretariat(actor):
        return
    raise PermissionDenied(_("Only the focal point of this delegation may do this."))
