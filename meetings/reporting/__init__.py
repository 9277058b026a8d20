"""National reports on the Programme of Action and the International Tracing Instrument,
synchronised with the meetings: reporting cycles, each State's report and its versions, the
submission rate, reminders, the national points of contact, and the register of assistance
needs and offers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from meetings.auth.permissions import Permission, is_state_focal_point
    from meetings.reference.services import add_reference_loader
    from meetings.reporting import focal_views, labels, manage_views, models, views  # noqa: F401
    from meetings.reporting.assistance import may_read
    from meetings.reporting.audit import add_audit_subjects
    from meetings.reporting.cli import cli
    from meetings.reporting.template_files import load_templates
    from meetings.templating import NavItem, add_navigation

    app.register_blueprint(views.bp)
    app.register_blueprint(focal_views.bp)
    app.register_blueprint(manage_views.bp)
    app.cli.add_command(cli)
    add_reference_loader(app, "report templates", load_templates)
    add_audit_subjects(app)
    add_navigation(
        app,
        NavItem(
            _l("National reports"),
            "reporting_focal.index",
            Permission.MANAGE_DELEGATION,
            order=37,
            when=is_state_focal_point,
        ),
        NavItem(
            _l("National reporting"),
            "reporting_manage.index",
            Permission.MANAGE_REPORTING,
            order=70,
        ),
        NavItem(
            _l("Assistance needs"),
            "reporting.register",
            login_required=True,
            order=95,
            when=lambda user: may_read(user) and not _secretariat(user),
        ),
    )


def _secretariat(user: object) -> bool:
    from meetings.auth.permissions import Permission, has_permission

    return has_permission(user, Permission.MANAGE_REPORTING)
