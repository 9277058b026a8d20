"""Outgoing mail for administrators: what waits, what failed and why, and sending it again.
The outbox itself (the table, ``queue``, the worker's ``deliver_due``) is :mod:`meetings.mail`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from meetings.audit.subjects import Subject, add_subjects
    from meetings.auth.permissions import Permission
    from meetings.outbox import labels, manage_views  # noqa: F401
    from meetings.outbox.cli import cli
    from meetings.templating import NavItem, add_navigation

    app.register_blueprint(manage_views.bp)
    app.cli.add_command(cli)
    add_navigation(
        app,
        NavItem(_l("Outgoing mail"), "outbox_manage.messages", Permission.MANAGE_USERS, order=105),
    )
    add_subjects(app, Subject("outbox_message", _l("E-mail"), Permission.MANAGE_USERS))
