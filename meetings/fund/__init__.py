"""The voluntary sponsorship fund: donors, pledges, contributions by Stripe and bank transfer, the
append-only ledger, commitments, receipts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from meetings.auth.models import Role
    from meetings.auth.permissions import Permission
    from meetings.demo import add_seeder
    from meetings.fund import (  # noqa: F401
        contribution_views,
        labels,
        manage_views,
        models,
        pledge_views,
        views,
    )
    from meetings.fund.audit import add_audit_subjects
    from meetings.fund.bank import BankTransferProvider
    from meetings.fund.cli import cli
    from meetings.fund.demo import seed_fund
    from meetings.fund.payments import register
    from meetings.fund.stripe import StripeProvider
    from meetings.templating import NavItem, add_navigation

    register(app, StripeProvider())
    register(app, BankTransferProvider())
    app.register_blueprint(views.bp)
    app.register_blueprint(manage_views.bp)
    app.cli.add_command(cli)
    add_navigation(
        app,
        NavItem(_l("Fund"), "fund_manage.index", Permission.MANAGE_FUND, order=80),
        NavItem(
            _l("My contributions"),
            "fund.mine",
            Permission.CONTRIBUTE,
            order=85,
            when=lambda user: user.has_role(Role.DONOR),  # not a dead end for administrators
        ),
    )
    add_seeder(app, seed_fund)
    add_audit_subjects(app)
