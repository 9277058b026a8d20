"""Accounts: registration, login, sessions, passwords, profile and roles."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import joinedload

from meetings import clock, mail
from meetings.audit.services import record
from meetings.auth.models import Role, RoleAssignment, User
from meetings.auth.passwords import (
    check_new_password,
    hash_password,
    needs_rehash,
    spend_verification_time,
    verify_password,
)
from meetings.auth.permissions import Permission, require
from meetings.errors import DomainError, NotFound
from meetings.extensions import db
from meetings.pagination import Page, paginate
from meetings.reference.models import Organisation, State
from meetings.urls import external_url


def normalise_email(email: str) -> str:
    return email.strip().lower()


def user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("There is no such user."))
    return user


def user_for_admin(actor: User, user_id: int) -> User:
    require(actor, Permission.MANAGE_USERS)
    return get_user(user_id)


def register_user(
    *,
    email: str,
    password: str,
    full_name: str,
    locale: str | None = None,
    verified: bool = False,
) -> User:
    """Create an account holding the delegate role (``verified`` for accounts made by the
    system, whose address is known to be right)."""
    email = normalise_email(email)
    full_name = full_name.strip()
    if not full_name:
        raise DomainError(_("Enter your full name."), field="full_name")
    if user_by_email(email) is not None:
        raise DomainError(_("An account with this email already exists."), field="email")
    check_new_password(password, email=email)
    user = User(
        email=email,
        full_name=full_name,
        password_hash=hash_password(password),
        locale=locale if locale in current_app.config["LANGUAGES"] else None,
        calendar_token=secrets.token_urlsafe(24),
        email_verified_at=clock.now() if verified else None,
    )
    user.role_assignments.append(RoleAssignment(role=Role.DELEGATE))
    db.session.add(user)
    db.session.flush()
    record(user, "user.registered", user, after={"email": email, "roles": [Role.DELEGATE]})
    return user


def authenticate(email: str, password: str) -> User:
    """The user with these credentials, or DomainError with the same message whatever was wrong."""
    user = user_by_email(email)
    if user is None:
        spend_verification_time(password)
        raise DomainError(_("Email or password is incorrect."))
    if not verify_password(user.password_hash, password) or not user.active:
        raise DomainError(_("Email or password is incorrect."))
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = clock.now()
    db.session.flush()
    return user


def end_all_sessions(user: User) -> None:
    """Every session opened before this call stops working (logout, password change)."""
    user.session_version += 1
    db.session.flush()


def load_session_user(identifier: str) -> User | None:
    """Flask-Login's user loader: ``<id>.<session_version>``; a stale version loads nobody."""
    user_id, _sep, version = identifier.partition(".")
    if not (
        user_id.isdecimal() and version.isdecimal() and len(user_id) <= 9 and len(version) <= 9
    ):
        return None
    # The user and their roles in one query: every page asks for both.
    user = (
        db.session.scalars(
            sa.select(User)
            .options(joinedload(User.role_assignments))
            .where(User.id == int(user_id))
        )
        .unique()
        .one_or_none()
    )
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def change_password(user: User, *, current_password: str, new_password: str) -> None:
    if not verify_password(user.password_hash, current_password):
        raise DomainError(_("Your current password is not correct."), field="current_password")
    check_new_password(new_password, email=user.email, field="new_password")
    user.password_hash = hash_password(new_password)
    user.password_changed_at = clock.now()
    end_all_sessions(user)
    record(user, "user.password_changed", user)


def update_profile(user: User, *, full_name: str, locale: str | None) -> None:
    full_name = full_name.strip()
    if not full_name:
        raise DomainError(_("Enter your full name."), field="full_name")
    if locale and locale not in current_app.config["LANGUAGES"]:
        raise DomainError(_("Choose one of the languages offered."), field="locale")
    before = {"full_name": user.full_name, "locale": user.locale}
    user.full_name = full_name
    user.locale = locale or None
    after = {"full_name": user.full_name, "locale": user.locale}
    if before != after:
        record(user, "user.profile_updated", user, before=before, after=after)
    db.session.flush()


def set_locale(user: User, locale: str) -> None:
    update_profile(user, full_name=user.full_name, locale=locale)


# --- password reset ------------------------------------------------------------------------------

_RESET_SALT = "meetings.password-reset"


class InvalidResetToken(DomainError):
    status_code = 400


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_RESET_SALT)


def _password_fingerprint(user: User) -> str:
    # Part of the token: once the password changes, every earlier link stops working.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def make_reset_token(user: User) -> str:
    return _serializer().dumps({"u": user.id, "p": _password_fingerprint(user)})


def request_password_reset(email: str) -> None:
    """Mail a reset link if the account exists; say nothing either way (no account discovery)."""
    user = user_by_email(email)
    if user is None or not user.active:
        return
    link = external_url("auth.reset_password", token=make_reset_token(user))
    minutes = int(current_app.config["PASSWORD_RESET_MAX_AGE"]) // 60
    mail.send(
        user.email,
        lambda: _("Reset your password"),
        "mail/password_reset.txt",
        user=user,
        link=link,
        minutes=minutes,
    )
    record(None, "user.password_reset_requested", user)


def user_for_reset_token(token: str) -> User:
    try:
        data = _serializer().loads(token, max_age=int(current_app.config["PASSWORD_RESET_MAX_AGE"]))
    except SignatureExpired as error:
        raise InvalidResetToken(_("This link has expired.")) from error
    except BadSignature as error:
        raise InvalidResetToken(_("This link is not valid.")) from error
    user = db.session.get(User, int(data.get("u", 0))) if isinstance(data, dict) else None
    if user is None or not user.active or data.get("p") != _password_fingerprint(user):
        raise InvalidResetToken(_("This link has already been used or is no longer valid."))
    return user


def reset_password(token: str, new_password: str) -> User:
    user = user_for_reset_token(token)
    check_new_password(new_password, email=user.email)
    user.password_hash = hash_password(new_password)
    user.password_changed_at = clock.now()
    end_all_sessions(user)
    record(user, "user.password_reset", user)
    mark_verified(user)  # the link reached this address
    user.last_login_at = clock.now()  # the reset logs the person in
    return user


def mark_verified(user: User) -> None:
    """The address is proven (a verification link, a password-reset link, an invitation sent
    to it): what waited for the address is linked to the account."""
    if user.is_verified:
        return
    user.email_verified_at = clock.now()
    db.session.flush()
    record(user, "user.email_verified", user)
    for hook in current_app.extensions.get("meetings_on_email_verified", []):
        hook(user)


# --- roles ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoleScope:
    state: State | None = None
    organisation: Organisation | None = None


def grant_role(actor: User | None, user: User, role: Role, scope: RoleScope | None = None) -> None:
    """Give ``user`` a role; a focal point needs exactly one State or organisation.

    ``actor`` None is the system itself (the command line), which needs no permission.
    """
    if actor is not None:
        require(actor, Permission.MANAGE_USERS)
    scope = scope or RoleScope()
    if role is Role.FOCAL_POINT:
        if (scope.state is None) == (scope.organisation is None):
            raise DomainError(
                _("A focal point acts for one State or one organisation: choose exactly one."),
                field="state_id",
            )
    elif scope.state is not None or scope.organisation is not None:
        raise DomainError(_("Only the focal point role is given for a State or organisation."))
    if user.has_role(role):
        raise DomainError(_("%(name)s already holds this role.", name=user.full_name), field="role")
    assignment = RoleAssignment(
        role=role,
        state=scope.state,
        organisation=scope.organisation,
        granted_by_id=actor.id if actor else None,
    )
    user.role_assignments.append(assignment)
    db.session.flush()
    record(
        actor,
        "user.role_granted",
        user,
        after={"role": role, "scope": assignment.scope_label or None},
    )


def revoke_role(actor: User, user: User, role: Role) -> None:
    require(actor, Permission.MANAGE_USERS)
    assignment = next((a for a in user.role_assignments if a.role is role), None)
    if assignment is None:
        raise DomainError(_("%(name)s does not hold this role.", name=user.full_name))
    if role is Role.ADMIN and user.id == actor.id:
        raise DomainError(_("You cannot remove your own administrator role."))
    user.role_assignments.remove(assignment)
    end_all_sessions(user)
    record(actor, "user.role_revoked", user, before={"role": role, "scope": assignment.scope_label})


def set_active(actor: User, user: User, active: bool) -> None:
    require(actor, Permission.MANAGE_USERS)
    if user.id == actor.id and not active:
        raise DomainError(_("You cannot deactivate your own account."))
    if user.active == active:
        return
    user.active = active
    end_all_sessions(user)
    record(
        actor,
        "user.activated" if active else "user.deactivated",
        user,
        before={"active": not active},
        after={"active": active},
    )


def create_admin(*, email: str, password: str, full_name: str) -> User:
    """For ``flask users create-admin``: a new account, or an existing one, made administrator."""
    user = user_by_email(email)
    if user is None:
        user = register_user(email=email, password=password, full_name=full_name, verified=True)
    if not user.has_role(Role.ADMIN):
        grant_role(None, user, Role.ADMIN)
    return user


def list_users(actor: User, *, search: str = "", page: int = 1, per_page: int = 50) -> Page[User]:
    require(actor, Permission.MANAGE_USERS)
    query = sa.select(User)
    search = search.strip()[:100]
    if search:
        pattern = f"%{search.lower().replace('%', '').replace('_', '')}%"
        query = query.where(
            sa.or_(User.email.like(pattern), sa.func.lower(User.full_name).like(pattern))
        )
    return paginate(query.order_by(User.full_name, User.id), page=page, per_page=per_page)


def focal_point_addresses(
    state_id: int | None = None, *, organisation_id: int | None = None
) -> list[str]:
    """The e-mail addresses of the active focal points of a State (or of an organisation)."""
    acting_for = (
        RoleAssignment.state_id == state_id
        if state_id is not None
        else RoleAssignment.organisation_id == organisation_id
    )
    return list(
        db.session.scalars(
            sa.select(User.email)
            .join(RoleAssignment, RoleAssignment.user_id == User.id)
            .where(RoleAssignment.role == Role.FOCAL_POINT, acting_for, User.active)
            .order_by(User.email)
        )
    )
