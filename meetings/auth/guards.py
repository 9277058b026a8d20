"""One guard per blueprint: ``guard(bp, Permission.X)`` makes every route of ``bp`` require a
login and, when given, the permission. Services still check what they do: the guard only keeps
the pages of an audience shut to everyone else."""

from __future__ import annotations

from flask import Blueprint
from flask_login import current_user
from werkzeug.wrappers import Response

from meetings.auth.permissions import Permission, require
from meetings.extensions import login_manager


def guard(blueprint: Blueprint, permission: Permission | None = None) -> None:
    @blueprint.before_request
    def require_login_and_permission() -> Response | None:
        if not current_user.is_authenticated:
            return login_manager.unauthorized()  # type: ignore[no-any-return]
        if permission is not None:
            require(current_user, permission)
        return None
