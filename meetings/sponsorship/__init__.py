"""Sponsorship: calls, applications by States, reviews and awards against the fund, travel,
attendance and settlement."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l

if TYPE_CHECKING:
    from flask import Flask


def _public_summary() -> dict[str, Any]:
    from meetings.sponsorship.queries import public_summary

    return {"meetings": public_summary()}


def init_app(app: Flask) -> None:
    from meetings.auth.permissions import Permission, is_state_focal_point
    from meetings.demo import add_seeder
    from meetings.fund.sections import PublicSection, add_public_section
    from meetings.sponsorship import (  # noqa: F401
        application_views,
        focal_views,
        labels,
        manage_views,
        models,
        views,
    )
    from meetings.sponsorship.audit import add_audit_subjects
    from meetings.sponsorship.cli import cli
    from meetings.sponsorship.demo import seed_sponsorship
    from meetings.templating import NavItem, add_navigation

    app.register_blueprint(views.bp)
    app.register_blueprint(focal_views.bp)
    app.register_blueprint(manage_views.bp)
    app.cli.add_command(cli)
    add_navigation(
        app,
        NavItem(
            _l("Apply for sponsorship"),
            "sponsorship_focal.index",
            Permission.MANAGE_DELEGATION,
            order=35,
            when=is_state_focal_point,
        ),
        NavItem(
            _l("Sponsorship"), "sponsorship_manage.index", Permission.REVIEW_SPONSORSHIP, order=90
        ),
    )
    add_public_section(app, PublicSection("sponsorship/_public_summary.html", _public_summary))
    from meetings.fund.descriptions import add_purpose_namer
    from meetings.sponsorship.offers import PURPOSE_PREFIX
    from meetings.sponsorship.queries import application_names

    add_purpose_namer(app, PURPOSE_PREFIX, application_names)
    add_seeder(app, seed_sponsorship)
    add_audit_subjects(app)
