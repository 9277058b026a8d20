"""Accounts, roles, login, tokens and permissions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from meetings.auth import labels, manage_views, models, views  # noqa: F401
    from meetings.auth.audit import add_audit_subjects
    from meetings.auth.cli import cli
    from meetings.auth.demo import seed_demo_accounts
    from meetings.auth.permissions import Permission
    from meetings.demo import add_seeder
    from meetings.templating import NavItem, add_navigation

    app.register_blueprint(views.bp)
    app.register_blueprint(manage_views.bp)
    app.cli.add_command(cli)
    add_navigation(
        app, NavItem(_l("Users"), "auth_manage.index", Permission.MANAGE_USERS, order=100)
    )
    add_seeder(app, seed_demo_accounts)
    add_audit_subjects(app)
