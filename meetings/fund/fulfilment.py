"""What Stripe tells us, applied once and in any order.

Every event is stored once by its ``evt_`` id (the primary key refuses a second copy, also one
arriving at the same moment), with what we did with it. The handlers record facts — paid,
refunded, disputed, dispute won or lost — on the contribution, each fact booked in the ledger
once (its ``source`` is unique), and the contribution's status is then derived from the facts:
the same events, ten times or in any order, end in the same state with one entry each.

A test-mode event reaching a live configuration (or the reverse) is stored as ignored, and logged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from meetings.extensions import db
from meetings.fund import contributions, gateway, ledger
from meetings.fund.models import (
    Contribution,
    ContributionStatus,
    EventOutcome,
    LedgerKind,
    Refund,
    StripeEvent,
)
from meetings.fund.stripe_amounts import from_stripe
from meetings.money import Money
from meetings.security import as_id

log = logging.getLogger(__name__)
C = ContributionStatus


class UnknownPayment(Exception):
    """The event concerns no contribution of ours (another integration, a deleted test)."""


# --- finding our contribution --------------------------------------------------------------------


def _by(column: Any, value: str | None) -> Contribution | None:
    if not value:
        return None
    return db.session.scalar(sa.select(Contribution).where(column == value))


def _by_metadata(obj: dict[str, Any]) -> Contribution | None:
    reference = (obj.get("metadata") or {}).get("contribution") or obj.get("client_reference_id")
    if (contribution_id := as_id(reference)) is not None:
        return db.session.get(Contribution, contribution_id)
    return None


def _for_session(session: dict[str, Any]) -> Contribution:
    found = _by(Contribution.stripe_checkout_session_id, session.get("id")) or _by_metadata(session)
    if found is None:
        raise UnknownPayment(f"checkout session {session.get('id')}")
    return found


def _for_charge(charge: dict[str, Any]) -> Contribution:
    found = (
        _by(Contribution.stripe_charge_id, charge.get("id"))
        or _by(Contribution.stripe_payment_intent_id, charge.get("payment_intent"))
        or _by_metadata(charge)
    )
    if found is None:
        raise UnknownPayment(f"charge {charge.get('id')}")
    return found


def _learn(contribution: Contribution, **ids: str | None) -> None:
    """Keep every Stripe id we learn about the contribution."""
    for name, value in ids.items():
        if value and getattr(contribution, name) is None:
            setattr(contribution, name, value)
    db.session.flush()


def _day(event: dict[str, Any]) -> date:
    return datetime.fromtimestamp(int(event.get("created") or 0), tz=UTC).date()


def _paid(contribution: Contribution, amount: int, currency: str, day: date) -> None:
    """The payment succeeded: book it at Stripe's figures (once)."""
    contributions.receive(
        None,
        contribution,
        value_date=day,
        received=from_stripe(amount, currency),
        reason=_("paid by card"),
    )


# --- handlers ------------------------------------------------------------------------------------


def _checkout_completed(event: dict[str, Any], session: dict[str, Any]) -> Contribution:
    contribution = _for_session(session)
    contributions.lock_contribution(contribution)
    _learn(
        contribution,
        stripe_checkout_session_id=session.get("id"),
        stripe_payment_intent_id=session.get("payment_intent"),
    )
    if session.get("payment_status") == "paid":
        _paid(contribution, session["amount_total"], session["currency"], _day(event))
    return contribution


def _checkout_failed(_event: dict[str, Any], session: dict[str, Any]) -> Contribution:
    contribution = _for_session(session)
    contributions.lock_contribution(contribution)
    if contribution.status is C.PENDING:
        contributions.WORKFLOW.move(None, contribution, C.FAILED, reason=_("payment failed"))
    return contribution


def _checkout_expired(_event: dict[str, Any], session: dict[str, Any]) -> Contribution:
    contribution = _for_session(session)
    contributions.lock_contribution(contribution)
    if contribution.status is C.PENDING:
        contributions.WORKFLOW.move(None, contribution, C.EXPIRED, reason=_("checkout expired"))
    return contribution


def _charged(event: dict[str, Any], charge: dict[str, Any]) -> Contribution:
    """The contribution of ``charge``, received (a refunded or disputed charge was paid)."""
    contribution = _for_charge(charge)
    contributions.lock_contribution(contribution)
    _learn(
        contribution,
        stripe_charge_id=charge.get("id"),
        stripe_payment_intent_id=charge.get("payment_intent"),
    )
    if contribution.status is C.PENDING:
        _paid(contribution, charge["amount"], charge["currency"], _day(event))
    return contribution


def _charge_refunded(event: dict[str, Any], charge: dict[str, Any]) -> Contribution:
    contribution = _charged(event, charge)
    refunds = charge.get("refunds")
    if isinstance(refunds, dict) and "data" in refunds:
        for item in refunds["data"] or []:
            if item.get("status", "succeeded") == "succeeded":
                _refund_made(contribution, item)
        return contribution
    # Without the list (older API versions): whatever of amount_refunded is not booked yet.
    booked = contributions.refunded_minor(contribution)
    total = from_stripe(int(charge.get("amount_refunded") or 0), charge["currency"]).amount
    if total > booked:
        refund = Refund(
            contribution_id=contribution.id,
            amount=Money(total - booked, contribution.amount.currency),
            reason=str(_("refunded at Stripe")),
        )
        db.session.add(refund)
        db.session.flush()
        contributions.confirm_refund(None, refund)
    return contribution


def _refund_made(contribution: Contribution, item: dict[str, Any]) -> None:
    refund = _by_refund_id(item.get("id")) or _by_refund_metadata(contribution, item)
    if refund is None:
        currency = str(item.get("currency") or contribution.amount.currency)
        refund = Refund(
            contribution_id=contribution.id,
            amount=from_stripe(int(item["amount"]), currency),
            stripe_refund_id=item.get("id"),
            reason=str(_("refunded at Stripe")),
        )
        db.session.add(refund)
        db.session.flush()
    elif refund.stripe_refund_id is None:
        refund.stripe_refund_id = item.get("id")
    contributions.confirm_refund(None, refund)


def _by_refund_id(refund_id: str | None) -> Refund | None:
    if not refund_id:
        return None
    return db.session.scalar(sa.select(Refund).where(Refund.stripe_refund_id == refund_id))


def _by_refund_metadata(contribution: Contribution, item: dict[str, Any]) -> Refund | None:
    reference = (item.get("metadata") or {}).get("refund")
    if (refund_id := as_id(reference)) is not None:
        refund = db.session.get(Refund, refund_id)
        if refund is not None and refund.contribution_id == contribution.id:
            return refund
    return None


def _dispute_charge(dispute: dict[str, Any]) -> dict[str, Any]:
    """The charge a dispute is about, as far as we need it (from Stripe when we do not know
    the payment yet)."""
    known = _by(Contribution.stripe_charge_id, dispute.get("charge")) or _by(
        Contribution.stripe_payment_intent_id, dispute.get("payment_intent")
    )
    if known is not None and known.status is not C.PENDING:
        return {
            "id": dispute.get("charge"),
            "payment_intent": dispute.get("payment_intent"),
            "metadata": {"contribution": str(known.id)},
        }
    return gateway.retrieve_charge(str(dispute["charge"]))


def _dispute_opened(event: dict[str, Any], dispute: dict[str, Any]) -> Contribution:
    contribution = _charged(event, _dispute_charge(dispute))
    _withhold(contribution, dispute)
    contributions.settle_status(None, contribution, reason=_("disputed"))
    return contribution


def _withhold(contribution: Contribution, dispute: dict[str, Any]) -> None:
    source = f"dispute:{dispute['id']}:withdrawn"
    if ledger.already_posted(source):
        return
    contribution.stripe_dispute_id = dispute["id"]
    if contribution.status is not C.DISPUTE_LOST:
        contribution.dispute_open = True
    db.session.flush()
    amount = from_stripe(int(dispute["amount"]), dispute["currency"])
    ledger.lock()
    ledger.post(
        LedgerKind.DISPUTE_WITHDRAWN,
        max(1, contributions.usd_share(contribution, amount.amount)),
        actor=None,
        original=amount,
        contribution=contribution,
        source=source,
        description=str(_("dispute opened")),
    )


def _dispute_closed(event: dict[str, Any], dispute: dict[str, Any]) -> Contribution:
    contribution = _charged(event, _dispute_charge(dispute))
    _withhold(contribution, dispute)  # the closing may arrive before the opening
    if dispute.get("status") == "won":
        source = f"dispute:{dispute['id']}:reversed"
        if not ledger.already_posted(source):
            amount = from_stripe(int(dispute["amount"]), dispute["currency"])
            ledger.lock()
            ledger.post(
                LedgerKind.DISPUTE_REVERSED,
                max(1, contributions.usd_share(contribution, amount.amount)),
                actor=None,
                original=amount,
                contribution=contribution,
                source=source,
                description=str(_("dispute won")),
            )
        contribution.dispute_open = False
        db.session.flush()
        contributions.settle_status(None, contribution, reason=_("dispute won"))
    elif dispute.get("status") == "lost":
        contribution.dispute_open = False
        db.session.flush()
        if contribution.status is not C.DISPUTE_LOST:
            contributions.WORKFLOW.move(
                None, contribution, C.DISPUTE_LOST, reason=_("dispute lost")
            )
    return contribution


Handler = Callable[[dict[str, Any], dict[str, Any]], Contribution]
HANDLERS: dict[str, Handler] = {
    "checkout.session.completed": _checkout_completed,
    "checkout.session.async_payment_succeeded": _checkout_completed,
    "checkout.session.async_payment_failed": _checkout_failed,
    "checkout.session.expired": _checkout_expired,
    "charge.refunded": _charge_refunded,
    "charge.dispute.created": _dispute_opened,
    "charge.dispute.closed": _dispute_closed,
}


# --- the one entry point -------------------------------------------------------------------------


def handle_event(event: dict[str, Any]) -> StripeEvent:
    """Apply ``event`` once. Returns its stored record (the earlier one for a repeat). Anything
    but an unknown payment propagates, so that nothing is stored and Stripe sends it again."""
    event_id = str(event.get("id") or "")
    if not event_id.startswith("evt_") or len(event_id) > 255:
        raise ValueError("not a Stripe event")
    previous = db.session.get(StripeEvent, event_id)
    if previous is not None:
        return previous
    stored = StripeEvent(
        id=event_id,
        type=str(event.get("type") or "")[:100],
        livemode=bool(event.get("livemode")),
        created=datetime.fromtimestamp(int(event.get("created") or 0), tz=UTC),
        outcome=EventOutcome.PROCESSED,
        payload=event,
    )
    try:
        with db.session.begin_nested():
            db.session.add(stored)
    except IntegrityError:  # the same event, stored a moment ago by another delivery
        found = db.session.get(StripeEvent, event_id)
        assert found is not None
        return found
    if stored.livemode != gateway.is_live():
        stored.outcome = EventOutcome.IGNORED
        stored.message = (
            "test-mode event on a live configuration"
            if gateway.is_live()
            else "live event on a test configuration"
        )
        log.warning("Stripe event %s ignored: %s", event_id, stored.message)
        db.session.flush()
        return stored
    handler = HANDLERS.get(stored.type)
    if handler is None:
        stored.outcome = EventOutcome.IGNORED
        stored.message = "not needed"
        db.session.flush()
        return stored
    obj = (event.get("data") or {}).get("object") or {}
    try:
        contribution = handler(event, obj)
    except UnknownPayment as unknown:
        stored.outcome = EventOutcome.IGNORED
        stored.message = f"no contribution of ours: {unknown}"
        log.warning("Stripe event %s: %s", event_id, stored.message)
        db.session.flush()
        return stored
    stored.contribution_id = contribution.id
    stored.message = f"contribution {contribution.id}: {contribution.status.value}"
    db.session.flush()
    return stored


def apply_session(session: dict[str, Any]) -> Contribution:
    """What Stripe says of a Checkout Session now, applied as its event would have been (for
    ``flask fund reconcile``: a payment whose event never arrived)."""
    event = {"created": session.get("created") or 0}
    if session.get("status") == "complete":
        return _checkout_completed(event, session)
    if session.get("status") == "expired":
        return _checkout_expired(event, session)
    return _for_session(session)
