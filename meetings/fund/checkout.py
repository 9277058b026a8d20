"""Giving online: our contribution is stored as pending first, then the payment provider's
checkout is opened for it. The form's own token makes a double click one contribution and one
checkout, never two; a form whose checkout expired or failed says plainly that nothing was charged
and offers to start again.

A donor may give in US dollars or in a currency with an operational rate in force today (its USD
value can then be known when the money arrives); other currencies are not offered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from meetings import clock
from meetings.audit.services import record
from meetings.auth.models import User
from meetings.errors import DomainError
from meetings.extensions import db
from meetings.fund import payments, rates
from meetings.fund.donors import donor_of, guest_donor
from meetings.fund.models import Contribution, ContributionStatus, Donor, PaymentMethod
from meetings.fund.pledges import check_amount
from meetings.money import Money, format_money

TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
# The smallest card payment is about fifty US cents, whatever the currency.
MINIMUM_USD_MINOR = 50


class NothingCharged(DomainError):
    """The form's checkout expired or its payment failed: nothing was charged, and the donor
    may start again with a new form."""


@dataclass(frozen=True)
class OnlineGift:
    amount: Money
    token: str
    name: str = ""
    email: str = ""
    anonymous: bool = False


def provider() -> payments.PaymentProvider:
    found = payments.online()
    if found is None:
        raise DomainError(_("Card payments are not available; please use a bank transfer."))
    return found


def payable_currencies() -> set[str]:
    return rates.payable_currencies(clock.now().date())


def prepare(actor: User | None, gift: OnlineGift) -> Contribution:
    """Store the gift as a pending contribution (or find the one this form already made)."""
    online = provider()
    if not TOKEN.match(gift.token or ""):
        raise DomainError(_("The form had expired. Please fill it in again."))
    existing = db.session.scalar(
        sa.select(Contribution).where(Contribution.checkout_token == gift.token)
    )
    if existing is not None:
        if existing.status in (ContributionStatus.EXPIRED, ContributionStatus.FAILED):
            raise NothingCharged(
                _(
                    "Nothing was charged: the payment page of this form was not completed in "
                    "time, or the payment did not go through. You can give again below."
                )
            )
        if existing.status is not ContributionStatus.PENDING:
            raise DomainError(_("This payment was already made. Thank you."))
        return existing
    online.check_amount(gift.amount)
    try:
        rate, since = rates.rate_in_force(gift.amount.currency, clock.now().date())
    except rates.NoRate:
        raise DomainError(
            _(
                "Gifts in %(code)s cannot be made online this month: its operational rate of "
                "exchange is not known yet. Give in US dollars or in another currency offered.",
                code=gift.amount.currency,
            ),
            field="currency",
        ) from None
    usd = rates.usd_value(gift.amount, rate)
    check_amount(gift.amount, usd)
    if usd < MINIMUM_USD_MINOR:
        raise DomainError(
            _(
                "The smallest card payment is %(minimum)s or its equivalent.",
                minimum=format_money(Money(MINIMUM_USD_MINOR, "USD")),
            ),
            field="amount",
        )
    donor = donor_of(actor)
    if donor is None:
        name = (gift.name or (actor.full_name if actor else "")).strip()
        email = (gift.email or (actor.email if actor else "")).strip()
        if not name:
            raise DomainError(
                _("Enter your name, as it should appear on the receipt."), field="name"
            )
        if "@" not in email:
            raise DomainError(_("Enter the e-mail address for the receipt."), field="email")
        donor = guest_donor(name, email, anonymous=gift.anonymous)
    contribution = pending_card_payment(actor, donor, gift.amount, gift.token)
    # The rate in force as the donor begins to pay: used only if the money arrives in a month
    # whose rate is not entered yet (and then flagged).
    contribution.units_per_usd, contribution.rate_date = rate, since
    db.session.flush()
    return contribution


def pending_card_payment(
    actor: User | None, donor: Donor, amount: Money, token: str
) -> Contribution:
    """Our record of a card payment about to be made: pending until the provider says paid."""
    contribution = Contribution(
        donor_id=donor.id,
        donor=donor,
        amount=amount,
        method=PaymentMethod.STRIPE,
        checkout_token=token,
        recorded_by_id=actor.id if actor else None,
    )
    db.session.add(contribution)
    db.session.flush()
    record(actor, "contribution.started", contribution, after={"amount": str(amount)})
    return contribution


def open_checkout(contribution: Contribution) -> str:
    """Open (or find again) the provider's payment page of ``contribution``; its address."""
    return payments.provider(contribution.method).start_checkout(contribution)
