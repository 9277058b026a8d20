"""Who may do what. Services call these; views and templates only ask ``has_permission`` to decide
what to show."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from flask_babel import gettext as _

from meetings.auth.models import Role, User
from meetings.errors import PermissionDenied


class Permission(StrEnum):
    MANAGE_USERS = "manage_users"
    VIEW_AUDIT_LOG = "view_audit_log"
    MANAGE_SCHEDULE = "manage_schedule"
    MANAGE_REGISTRATIONS = "manage_registrations"
    MANAGE_DELEGATION = "manage_delegation"  # scoped: see acts_for()
    REGISTER = "register"
    MANAGE_FUND = "manage_fund"
    REVIEW_SPONSORSHIP = "review_sponsorship"
    CONTRIBUTE = "contribute"
    MANAGE_REPORTING = "manage_reporting"  # reporting cycles, submission rates, the directory


# The one table of what each role may do. Admin may do everything.
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.DELEGATE: frozenset({Permission.REGISTER}),
    Role.FOCAL_POINT: frozenset({Permission.REGISTER, Permission.MANAGE_DELEGATION}),
    Role.SECRETARIAT: frozenset(
        {
            Permission.MANAGE_SCHEDULE,
            Permission.MANAGE_REGISTRATIONS,
            Permission.VIEW_AUDIT_LOG,
            Permission.REGISTER,
            Permission.MANAGE_REPORTING,
        }
    ),
    Role.FUND_ADMINISTRATOR: frozenset(
        {Permission.MANAGE_FUND, Permission.REVIEW_SPONSORSHIP, Permission.VIEW_AUDIT_LOG}
    ),
    Role.DONOR: frozenset({Permission.CONTRIBUTE}),
    Role.ADMIN: frozenset(Permission),
}


def _user(user: Any) -> User | None:
    return user if isinstance(user, User) and user.is_active else None


def permissions_of(user: Any) -> frozenset[Permission]:
    account = _user(user)
    if account is None:
        return frozenset()
    granted: set[Permission] = set()
    for role in account.roles:
        granted |= ROLE_PERMISSIONS[role]
    return frozenset(granted)


def has_permission(user: Any, permission: Permission) -> bool:
    return permission in permissions_of(user)


def require(user: Any, permission: Permission) -> User:
    """Return the acting user if they hold ``permission``; raise PermissionDenied otherwise."""
    account = _user(user)
    if account is None or permission not in permissions_of(account):
        raise PermissionDenied(_("You do not have permission to do this."))
    return account


def acts_for(user: Any, *, state_id: int | None = None, organisation_id: int | None = None) -> bool:
    """Whether ``user`` is the focal point of this State or organisation."""
    account = _user(user)
    if account is None:
        return False
    assignment = account.focal_point_assignment
    if assignment is None:
        return False
    if state_id is not None:
        return assignment.state_id == state_id
    if organisation_id is not None:
        return assignment.organisation_id == organisation_id
    return False


def require_acts_for(
    user: Any, *, state_id: int | None = None, organisation_id: int | None = None
) -> User:
    account = _user(user)
    if account is None or not acts_for(account, state_id=state_id, organisation_id=organisation_id):
        raise PermissionDenied(_("Only the focal point of this delegation may do this."))
    return account


def is_focal_point(user: Any) -> bool:
    """Whether ``user`` acts as focal point of some State or organisation."""
    account = _user(user)
    return account is not None and account.focal_point_assignment is not None


def is_state_focal_point(user: Any) -> bool:
    """Whether ``user`` acts as focal point of a State (only States apply for sponsorship)."""
    account = _user(user)
    assignment = account.focal_point_assignment if account is not None else None
    return assignment is not None and assignment.state_id is not None
