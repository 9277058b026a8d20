"""The logged-in user as a real ``User`` (services take entities, never Flask's proxy)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user

from meetings.auth.models import User
from meetings.errors import PermissionDenied


def current_actor() -> User | None:
    """The logged-in user, or None for an anonymous visitor."""
    user = current_user._get_current_object()
    return user if isinstance(user, User) else None


def current_account() -> User:
    """The logged-in user; for views behind ``login_required``."""
    user = current_actor()
    if user is None:
        raise PermissionDenied(_("Please log in."))
    return user
