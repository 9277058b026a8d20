"""Delegations, registrations, two-stage approval, accreditation, list of participants, badges."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from meetings.auth.permissions import Permission, is_focal_point
    from meetings.auth.verification import on_verified
    from meetings.demo import add_seeder
    from meetings.registration import (  # noqa: F401
        focal_views,
        labels,
        manage_views,
        models,
        services,
        views,
    )
    from meetings.registration.audit import add_audit_subjects
    from meetings.registration.demo import seed_registration
    from meetings.templating import NavItem, add_navigation

    app.register_blueprint(views.bp)
    app.register_blueprint(focal_views.bp)
    app.register_blueprint(manage_views.bp)
    add_navigation(
        app,
        NavItem(
            _l("My delegation"),
            "registration_focal.index",
            Permission.MANAGE_DELEGATION,
            order=30,
            when=is_focal_point,
        ),
        NavItem(
            _l("Registrations"),
            "registration_manage.registrations",
            Permission.MANAGE_REGISTRATIONS,
            order=40,
        ),
        NavItem(
            _l("Check-in"),
            "registration_manage.check_in",
            Permission.MANAGE_REGISTRATIONS,
            order=50,
        ),
    )
    add_seeder(app, seed_registration)
    on_verified(app, services.link_by_address)
    add_audit_subjects(app)
