"""Stripe Checkout: the hosted page a donor pays on. A contribution may need more than one
session — a session lasts a day, and Stripe forgets an idempotency key after a day — so each
session is remembered (``payment_reference``) and found again by its own id: a donor who comes
back finds the session still open, or a new one when the last has expired, and never pays on a
session we do not know."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from meetings.errors import DomainError
from meetings.fund import references
from meetings.fund.models import Contribution, ContributionStatus, PaymentMethod, ReferenceKind
from meetings.fund.stripe import gateway
from meetings.fund.stripe.amounts import to_stripe
from meetings.urls import external_url

STRIPE = PaymentMethod.STRIPE


def _params(contribution: Contribution) -> dict[str, Any]:
    amount, currency = to_stripe(contribution.amount)
    token = contribution.checkout_token or ""
    params: dict[str, Any] = {
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
        "success_url": external_url("fund.thanks", token=token),
        "cancel_url": external_url("fund.cancelled", token=token),
    }
    if contribution.donor.email:
        params["customer_email"] = contribution.donor.email
    return params


def open_checkout(contribution: Contribution) -> str:
    """The address of the session the donor pays ``contribution`` on: the last one while it is
    open, else a new one."""
    sessions = references.of(contribution, ReferenceKind.CHECKOUT_SESSION)
    if sessions:
        last = gateway.retrieve_checkout_session(sessions[-1].reference)
        if last.get("status") == "open" and last.get("url"):
            return str(last["url"])
        failed = contribution.status is ContributionStatus.FAILED
        if last.get("status") == "complete" and not failed:
            raise DomainError(_("This payment was already made. Thank you."))
    # The first session's key is the form's own, so that a double click opens one session; a
    # later one (the last expired) is keyed by its number.
    token = contribution.checkout_token or str(contribution.id)
    key = f"checkout-{token}" if not sessions else f"checkout-{token}-{len(sessions) + 1}"
    session = gateway.create_checkout_session(_params(contribution), idempotency_key=key)
    references.remember(STRIPE, ReferenceKind.CHECKOUT_SESSION, session["id"], contribution)
    return str(session["url"])
