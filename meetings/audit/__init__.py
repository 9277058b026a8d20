"""Audit log: who did what, when, to which record, with before and after."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from meetings.audit import manage_views, models  # noqa: F401
    from meetings.auth.permissions import Permission
    from meetings.templating import NavItem, add_navigation

    app.register_blueprint(manage_views.bp)
    add_navigation(
        app, NavItem(_l("Audit log"), "audit_manage.log", Permission.VIEW_AUDIT_LOG, order=110)
    )
