"""Stripe's objects as the fund's facts: a refund's status, a dispute's, a balance transaction's
movement of money. Each function reads one Stripe object (as this package's pinned API version
writes it) and hands what it says to the fund's own services."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _

from meetings.extensions import db
from meetings.fund import contributions, disputes, references, refunds, settlement
from meetings.fund.models import (
    Contribution,
    DisputeStatus,
    MovementKind,
    PaymentMethod,
    ReferenceKind,
    Refund,
    RefundStatus,
)
from meetings.fund.stripe import gateway
from meetings.fund.stripe.amounts import from_stripe
from meetings.security import as_id

log = logging.getLogger(__name__)
STRIPE = PaymentMethod.STRIPE


def day_of(timestamp: Any) -> date:
    return datetime.fromtimestamp(int(timestamp or 0), tz=UTC).date()


# --- balance transactions ------------------------------------------------------------------------


def movement(transaction: dict[str, Any] | str | None) -> settlement.Movement | None:
    """A balance transaction (expanded) as a movement of money; None when Stripe gave only its
    id or none (not available yet)."""
    if not isinstance(transaction, dict) or not transaction.get("id"):
        return None
    currency = str(transaction.get("currency") or "usd")
    rate = transaction.get("exchange_rate")
    try:
        exchange_rate = Decimal(str(rate)) if rate is not None else None
    except InvalidOperation:
        exchange_rate = None
    return settlement.Movement(
        reference=str(transaction["id"]),
        gross=from_stripe(int(transaction.get("amount") or 0), currency),
        fee=from_stripe(int(transaction.get("fee") or 0), currency),
        occurred_on=day_of(transaction.get("created")),
        exchange_rate=exchange_rate,
    )


def settle_payment(contribution: Contribution, charge: dict[str, Any] | None) -> bool:
    """Book the fee Stripe kept on the payment of ``contribution`` (and its conversion), from
    the charge's balance transaction. False when Stripe has not made it yet."""
    if contribution.settled_at is not None or charge is None:
        return contribution.settled_at is not None
    found = movement(charge.get("balance_transaction"))
    if found is None:
        return False
    settlement.record(
        STRIPE,
        contribution,
        found,
        kind=MovementKind.PAYMENT,
        booked_usd=contribution.usd_amount_minor or 0,
    )
    return True


def read_settlement(contribution: Contribution, intent_id: str | None) -> bool:
    """Ask Stripe for the payment's balance transaction and book its fee. A failure to ask is
    not a failure to book the gift: the fee waits for ``flask fund reconcile``."""
    if contribution.settled_at is not None or not intent_id:
        return contribution.settled_at is not None
    try:
        intent = gateway.retrieve_payment_intent(intent_id)
    except gateway.PaymentServiceError:
        log.warning("the fee of contribution %s could not be read yet", contribution.id)
        return False
    charge = intent.get("latest_charge")
    if isinstance(charge, dict):
        references.remember(STRIPE, ReferenceKind.CHARGE, charge.get("id"), contribution)
        return settle_payment(contribution, charge)
    return False


# --- refunds -------------------------------------------------------------------------------------

REFUND_STATUSES = {
    "pending": RefundStatus.PENDING,
    "requires_action": RefundStatus.PENDING,
    "succeeded": RefundStatus.SUCCEEDED,
    "failed": RefundStatus.FAILED,
    "canceled": RefundStatus.CANCELED,
}


def _our_refund(contribution: Contribution, item: dict[str, Any]) -> Refund | None:
    found = references.refund_of(STRIPE, item.get("id"))
    if found is not None:
        return found
    reference = (item.get("metadata") or {}).get("refund")
    if (refund_id := as_id(reference)) is not None:
        refund = db.session.get(Refund, refund_id)
        if refund is not None and refund.contribution_id == contribution.id:
            return refund
    return None


def refund_reported(contribution: Contribution, item: dict[str, Any]) -> Refund | None:
    """A Stripe refund of ``contribution``'s payment, as it stands now: recorded (when we did
    not ask for it), then moved to its status; its movements of money booked once it
    succeeded."""
    status = REFUND_STATUSES.get(str(item.get("status") or ""))
    if status is None:
        log.warning("refund %s has a status we do not know: %s", item.get("id"), item.get("status"))
        return None
    refund = _our_refund(contribution, item)
    if refund is None:
        if status in (RefundStatus.FAILED, RefundStatus.CANCELED):
            return None  # made and undone at Stripe without us: nothing moved
        currency = str(item.get("currency") or contribution.amount.currency)
        refund = refunds.made_at_provider(
            contribution,
            from_stripe(int(item["amount"]), currency),
            reason=str(_("refunded at Stripe")),
        )
    references.remember(STRIPE, ReferenceKind.REFUND, item.get("id"), contribution, refund=refund)
    reason = str(item.get("failure_reason") or "")
    if status is RefundStatus.SUCCEEDED:
        refunds.succeed(None, refund)
    elif status is RefundStatus.FAILED:
        refunds.fail(refund, reason=reason or str(_("the refund failed at Stripe")))
    elif status is RefundStatus.CANCELED:
        refunds.fail(refund, canceled=True, reason=reason or str(_("cancelled at Stripe")))
    _refund_movements(contribution, refund, item)
    return refund


def _refund_movements(contribution: Contribution, refund: Refund, item: dict[str, Any]) -> None:
    """The money a refund moved at Stripe, once we know what the ledger booked for it."""
    if refund.usd_amount_minor is None:
        return  # never succeeded: what left Stripe's balance came back with its failure
    out = movement(item.get("balance_transaction"))
    if out is not None:
        settlement.record(
            STRIPE,
            contribution,
            out,
            kind=MovementKind.REFUND,
            booked_usd=-refund.usd_amount_minor,
            refund=refund,
        )
    back = movement(item.get("failure_balance_transaction"))
    if back is not None and refund.status is RefundStatus.FAILED:
        settlement.record(
            STRIPE,
            contribution,
            back,
            kind=MovementKind.REFUND_FAILURE,
            booked_usd=refund.usd_amount_minor,
            refund=refund,
        )


def refunds_of_charge(contribution: Contribution, charge: dict[str, Any]) -> None:
    """Every refund of a charge, from the charge when its endpoint expands them, else from
    Stripe (the pinned API version sends a charge without its refunds)."""
    listed = charge.get("refunds")
    if (
        isinstance(listed, dict)
        and isinstance(listed.get("data"), list)
        and not listed.get("has_more")
    ):
        items = [item for item in listed["data"] if isinstance(item, dict)]
        if all(isinstance(item.get("balance_transaction"), dict) for item in items):
            for item in items:
                refund_reported(contribution, item)
            return
    for item in gateway.refunds_of_charge(str(charge["id"])):
        refund_reported(contribution, item)


# --- disputes ------------------------------------------------------------------------------------

DISPUTE_STATUSES = {
    "warning_needs_response": DisputeStatus.INQUIRY,
    "warning_under_review": DisputeStatus.INQUIRY,
    "warning_closed": DisputeStatus.CLOSED,
    "needs_response": DisputeStatus.OPEN,
    "under_review": DisputeStatus.OPEN,
    "won": DisputeStatus.WON,
    "lost": DisputeStatus.LOST,
    "prevented": DisputeStatus.CLOSED,
}


def dispute_reported(contribution: Contribution, dispute: dict[str, Any]) -> None:
    """A dispute as Stripe reports it now, and every movement of money it lists (funds
    withdrawn, funds reinstated, each with the dispute fee)."""
    raw = str(dispute.get("status") or "")
    status = DISPUTE_STATUSES.get(raw)
    if status is None:
        log.warning("dispute %s has a status we do not know: %s", dispute.get("id"), raw)
    record = disputes.reported(
        STRIPE,
        contribution,
        reference=str(dispute["id"]),
        amount=from_stripe(int(dispute["amount"]), str(dispute["currency"])),
        status=status,
        reason=str(dispute.get("reason") or ""),
    )
    moved = [m for m in map(movement, dispute.get("balance_transactions") or []) if m]
    withdrawn = next((m.gross for m in moved if m.gross.amount < 0), None)
    for found in moved:
        if found.gross.amount != 0:
            disputes.funds_moved(STRIPE, contribution, record, found, withdrawn=withdrawn)
    contributions.settle_status(None, contribution, reason=str(_("dispute")))
