"""Giving online: our contribution is stored as pending first, then a Stripe Checkout Session is
opened for it, with an idempotency key derived from the contribution, so that a double click
opens one session, never two."""

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
from meetings.fund import gateway, rates
from meetings.fund.donors import donor_of, guest_donor
from meetings.fund.models import Contribution, ContributionStatus, Donor, PaymentMethod
from meetings.fund.pledges import check_amount
from meetings.fund.stripe_amounts import to_stripe
from meetings.money import Money, format_money
from meetings.urls import external_url

TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
# Stripe's smallest card payment is about fifty US cents, whatever the currency.
MINIMUM_USD_MINOR = 50


@dataclass(frozen=True)
class OnlineGift:
    amount: Money
    token: str
    name: str = ""
    email: str = ""
    anonymous: bool = False


def prepare(actor: User | None, gift: OnlineGift) -> Contribution:
    """Store the gift as a pending contribution (or find the one this form already made)."""
    if not gateway.configured():
        raise DomainError(_("Card payments are not available; please use a bank transfer."))
    if not TOKEN.match(gift.token or ""):
        raise DomainError(_("The form had expired. Please fill it in again."))
    existing = db.session.scalar(
        sa.select(Contribution).where(Contribution.checkout_token == gift.token)
    )
    if existing is not None:
        if existing.status is not ContributionStatus.PENDING:
            raise DomainError(_("This payment was already made. Thank you."))
        return existing
    to_stripe(gift.amount)
    rate = rates.rate_for(gift.amount.currency, clock.now().date())
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
    return pending_card_payment(actor, donor, gift.amount, gift.token)


def pending_card_payment(
    actor: User | None, donor: Donor, amount: Money, token: str
) -> Contribution:
    """Our record of a card payment about to be made: pending until Stripe's event says paid."""
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
    """Open (or find again) the Checkout Session of ``contribution``; its address."""
    amount, currency = to_stripe(contribution.amount)
    token = contribution.checkout_token or ""
    params = {
        "mode": "payment",
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": currency,
                    "unit_amount": amount,
                    "product_data": {"name": "Contribution to the voluntary sponsorship fund"},
                },
            }
        ],
        "client_reference_id": str(contribution.id),
        "metadata": {"contribution": str(contribution.id)},
        "payment_intent_data": {"metadata": {"contribution": str(contribution.id)}},
        "customer_email": contribution.donor.email or None,
        "success_url": external_url("fund.thanks", token=token),
        "cancel_url": external_url("fund.cancelled", token=token),
    }
    params = {key: value for key, value in params.items() if value is not None}
    session = gateway.create_checkout_session(params, idempotency_key=f"checkout-{token}")
    if contribution.stripe_checkout_session_id != session["id"]:
        contribution.stripe_checkout_session_id = session["id"]
        db.session.flush()
    return str(session["url"])
