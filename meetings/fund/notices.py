"""E-mail from the fund: the receipt of a contribution, to the donor."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from meetings import mail
from meetings.auth.models import User
from meetings.extensions import db
from meetings.fund.models import Contribution, DonorAccount
from meetings.urls import external_url


def donor_addresses(contribution: Contribution) -> list[str]:
    """The donor's own address and those of the accounts that act for it."""
    linked = db.session.scalars(
        sa.select(User.email)
        .join(DonorAccount, DonorAccount.user_id == User.id)
        .where(DonorAccount.donor_id == contribution.donor_id, User.active)
    )
    addresses = [contribution.donor.email or "", *linked]
    return [a for a in dict.fromkeys(addresses) if a]


def receipt_link(contribution: Contribution) -> str:
    if contribution.checkout_token:
        return external_url("fund.thanks", token=contribution.checkout_token)
    return external_url("fund.receipt", contribution_id=contribution.id)


def receipt(contribution: Contribution) -> None:
    """Queue the receipt of ``contribution`` to the donor (sent when the transaction commits)."""
    link = receipt_link(contribution)
    for address in donor_addresses(contribution):
        mail.send(
            address,
            lambda: _(
                "Receipt %(number)s: your contribution to the sponsorship fund",
                number=contribution.receipt_label,
            ),
            "mail/fund_receipt.txt",
            contribution=contribution,
            link=link,
        )
