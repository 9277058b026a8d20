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
    from meetings.auth.models import Role
    from meetings.auth.permissions import Permission, is_state_focal_point
    from meetings.demo import add_seeder
    from meetings.reference.services import add_reference_loader
    from meetings.reporting import focal_views, labels, manage_views, models, views  # noqa: F401
    from meetings.reporting.assistance import may_read
    from meetings.reporting.audit import add_audit_subjects
    from meetings.reporting.cli import cli
    from meetings.reporting.demo import seed_reporting
    from meetings.reporting.template_files import load_templates
    from meetings.templating import NavItem, add_meeting_link, add_navigation

    app.register_blueprint(views.bp)
    app.register_blueprint(focal_views.bp)
    app.register_blueprint(manage_views.bp)
    app.cli.add_command(cli)
    add_reference_loader(app, "report templates", load_templates)
    add_audit_subjects(app)
    add_seeder(app, seed_reporting)
    add_meeting_link(app, _reports_link)
    add_navigation(
        app,
        NavItem(
            _l("National reports"),
            "reporting_focal.index",
            Permission.MANAGE_DELEGATION,
            order=37,
            when=is_state_focal_point,
        ),
        # The secretariat's reporting team; an administrator (who holds every permission, and
        # whose bar is full) opens it at /secretariat/reporting.
        NavItem(
            _l("Reports"),
            "reporting_manage.index",
            Permission.MANAGE_REPORTING,
            order=70,
            when=lambda user: not user.has_role(Role.ADMIN),
        ),
        NavItem(
            _l("Assistance needs"),
            "reporting.register",
            login_required=True,
            order=95,
            when=lambda user: may_read(user) and not _secretariat(user),
        ),
    )


def _reports_link(meeting: object) -> tuple[str, str] | None:
    """The meeting's reporting cycle: how many States reported, for a logged-in reader (the
    page kept for anonymous visitors says only where the reports are)."""
    from flask import url_for
    from flask_babel import gettext, ngettext
    from flask_login import current_user

    from meetings.reporting.cycles import cycle_of_meeting
    from meetings.reporting.statistics import submitted_count

    cycle = cycle_of_meeting(meeting.id)  # type: ignore[attr-defined]
    if cycle is None:
        return None
    url = url_for("reporting.index") + f"#cycle-{cycle.id}"
    if not current_user.is_authenticated:
        return gettext("National reports for this meeting"), url
    count = submitted_count(cycle.id)
    return ngettext(
        "%(num)d State reported for this meeting",
        "%(num)d States reported for this meeting",
        count,
    ), url


def _secretariat(user: object) -> bool:
    from meetings.auth.permissions import Permission, has_permission

    return has_permission(user, Permission.MANAGE_REPORTING)
