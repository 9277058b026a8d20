"""The fund's records in the audit log: read by fund administrators."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask
from flask_babel import lazy_gettext as _l

from meetings.audit.subjects import Subject, add_subjects, through
from meetings.auth.permissions import Permission
from meetings.fund.models import Dispute, Pledge, Refund

FUND = Permission.MANAGE_FUND


def add_audit_subjects(app: Flask) -> None:
    add_subjects(
        app,
        Subject("fund", _l("Fund"), FUND),
        Subject("donor", _l("Donor"), FUND, endpoint="fund_manage.donor", argument="donor_id"),
        Subject("donor_account", _l("Donor account"), FUND),
        Subject(
            "pledge",
            _l("Pledge"),
            FUND,
            resolve=through(
                lambda: sa.select(Pledge.id.label("id"), Pledge.donor_id.label("donor_id")),
                Pledge.id,
                "fund_manage.donor",
            ),
        ),
        Subject(
            "contribution",
            _l("Contribution"),
            FUND,
            endpoint="fund_manage.contribution",
            argument="contribution_id",
        ),
        Subject(
            "refund",
            _l("Refund"),
            FUND,
            resolve=through(
                lambda: sa.select(
                    Refund.id.label("id"), Refund.contribution_id.label("contribution_id")
                ),
                Refund.id,
                "fund_manage.contribution",
            ),
        ),
        Subject(
            "dispute",
            _l("Dispute"),
            FUND,
            resolve=through(
                lambda: sa.select(
                    Dispute.id.label("id"), Dispute.contribution_id.label("contribution_id")
                ),
                Dispute.id,
                "fund_manage.contribution",
            ),
        ),
        Subject("pledge_announcement", _l("Pledge announced online"), FUND),
        Subject("commitment", _l("Commitment"), FUND),
        Subject("exchange_rate", _l("Exchange rate"), FUND),
        Subject("ledger_entry", _l("Ledger entry"), FUND),
        Subject("payment_event", _l("Payment event"), FUND),
        Subject("payment_reference", _l("Payment reference"), FUND),
        Subject("payment_movement", _l("Payment movement"), FUND),
    )
