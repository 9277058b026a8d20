"""Refunds of card payments go through Stripe's API with an idempotency key of our refund, and
stay pending until Stripe's event confirms them (fulfilment books them then)."""

from __future__ import annotations

from flask_babel import gettext as _

from meetings.auth.models import User
from meetings.auth.permissions import Permission, require
from meetings.errors import DomainError, NotFound
from meetings.extensions import db
from meetings.fund import gateway
from meetings.fund.models import Contribution, PaymentMethod, Refund, RefundStatus
from meetings.fund.stripe_amounts import to_stripe


def get_refund(actor: User, refund_id: int) -> Refund:
    require(actor, Permission.MANAGE_FUND)
    refund = db.session.get(Refund, refund_id)
    if refund is None:
        raise NotFound(_("There is no such refund."))
    return refund


def send(refund: Refund) -> Refund:
    """Ask Stripe to make a pending card refund (again, safely: the key is the refund's own)."""
    contribution = db.session.get(Contribution, refund.contribution_id)
    assert contribution is not None
    if contribution.method is not PaymentMethod.STRIPE or refund.status is not RefundStatus.PENDING:
        return refund
    if refund.stripe_refund_id is not None:
        return refund
    if not contribution.stripe_payment_intent_id:
        raise DomainError(_("Stripe has not told us the payment of this contribution yet."))
    amount, _currency = to_stripe(refund.amount)
    made = gateway.create_refund(
        {
            "payment_intent": contribution.stripe_payment_intent_id,
            "amount": amount,
            "metadata": {"refund": str(refund.id), "contribution": str(contribution.id)},
        },
        idempotency_key=f"refund-{refund.id}",
    )
    refund.stripe_refund_id = str(made["id"])
    db.session.flush()
    return refund
