"""Processes, meetings, rooms and sittings: the programme of a conference."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from meetings.auth.permissions import Permission
    from meetings.demo import add_seeder
    from meetings.schedule import labels, manage_views, models, versions, views  # noqa: F401
    from meetings.schedule.audit import add_audit_subjects
    from meetings.schedule.cli import cli
    from meetings.schedule.demo import seed_schedule
    from meetings.templating import NavItem, add_navigation

    app.register_blueprint(views.bp)
    app.register_blueprint(manage_views.bp)
    app.cli.add_command(cli)
    add_navigation(
        app,
        NavItem(_l("Meetings"), "schedule.meetings", order=10),
        NavItem(
            _l("Programme management"),
            "schedule_manage.meetings",
            Permission.MANAGE_SCHEDULE,
            order=60,
        ),
        NavItem(_l("Rooms"), "schedule_manage.rooms", Permission.MANAGE_SCHEDULE, order=70),
    )
    add_seeder(app, seed_schedule)
    add_audit_subjects(app)
