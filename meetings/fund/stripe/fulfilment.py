"""What Stripe tells us, applied once and in any order.

Every event is stored once by its ``evt_`` id (:mod:`meetings.fund.events`). The handlers here find
our contribution by the Stripe object the event names — each checkout session, payment, charge,
refund and dispute is remembered in ``payment_reference`` — and hand the facts to the fund's
services: paid, refunded, disputed, funds withdrawn or reinstated, the fee Stripe kept. Each fact
is booked once (ledger sources and movement ids are unique), and the contribution's status is
derived from the facts: the same events, ten times or in any order, end in the same state.

Money Stripe received is always booked: a paid session is received also when its contribution's
checkout had expired or failed, and a second payment of a gift already received becomes a
contribution of its own, flagged. An event about a session that is not the contribution's latest
(an earlier session expiring) changes nothing.

A test-mode event reaching a live configuration (or the reverse) is stored as ignored, and logged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _

from meetings.extensions import db
from meetings.fund import contributions, references
from meetings.fund.contributions import HAS_ARRIVED, C, lock_contribution
from meetings.fund.models import Contribution, PaymentMethod, ReferenceKind
from meetings.fund.payments import IgnoredEvent, UnknownPayment
from meetings.fund.stripe import facts, gateway
from meetings.fund.stripe.amounts import from_stripe
from meetings.security import as_id

log = logging.getLogger(__name__)
STRIPE = PaymentMethod.STRIPE
K = ReferenceKind


# --- finding our contribution --------------------------------------------------------------------


def _by_metadata(obj: dict[str, Any]) -> Contribution | None:
    reference = (obj.get("metadata") or {}).get("contribution") or obj.get("client_reference_id")
    if (contribution_id := as_id(reference)) is not None:
        return db.session.get(Contribution, contribution_id)
    return None


def _for_session(session: dict[str, Any]) -> Contribution:
    found = references.contribution_of(STRIPE, session.get("id")) or _by_metadata(session)
    if found is None:
        raise UnknownPayment(f"no contribution of ours: checkout session {session.get('id')}")
    return found


def _for_charge(charge: dict[str, Any]) -> Contribution:
    found = references.contribution_of(
        STRIPE, charge.get("id"), charge.get("payment_intent")
    ) or _by_metadata(charge)
    if found is None:
        raise UnknownPayment(f"no contribution of ours: charge {charge.get('id')}")
    return found


def _id(value: Any) -> str | None:
    """An id, whether Stripe sent the id or the expanded object."""
    if isinstance(value, dict):
        value = value.get("id")
    return str(value) if value else None


def _stripe_charge(charge_id: str | None) -> dict[str, Any]:
    """A charge we have not heard of, as Stripe has it (its metadata name our contribution)."""
    try:
        return gateway.retrieve_charge(str(charge_id))
    except gateway.NotAtStripe:
        raise UnknownPayment(f"no contribution of ours: charge {charge_id}") from None


def _is_latest(contribution: Contribution, session_id: str | None) -> bool:
    latest = references.latest(contribution, K.CHECKOUT_SESSION)
    return latest is None or latest == session_id


# --- payments ------------------------------------------------------------------------------------


def _paid(
    event: dict[str, Any], contribution: Contribution, intent: str | None, paid: Any
) -> Contribution:
    """The payment ``intent`` succeeded for ``contribution``: received (once). A payment other
    than the one already received for it is a second gift, booked on its own."""
    target = contribution
    known = references.find(STRIPE, intent)
    if contribution.status in HAS_ARRIVED and (known is None or known.contribution_id != target.id):
        if known is not None:
            found = db.session.get(Contribution, known.contribution_id)
            assert found is not None
            return found
        target = contributions.second_payment(contribution, paid)
    references.remember(STRIPE, K.PAYMENT_INTENT, intent, target)
    contributions.receive(
        None,
        target,
        value_date=facts.day_of(event.get("created")),
        received=paid,
        reason=_("paid by card"),
    )
    facts.read_settlement(target, intent)
    return target


def _checkout_completed(event: dict[str, Any], session: dict[str, Any]) -> Contribution:
    contribution = _for_session(session)
    lock_contribution(contribution)
    references.remember(STRIPE, K.CHECKOUT_SESSION, session.get("id"), contribution)
    if session.get("payment_status") != "paid":
        references.remember(
            STRIPE, K.PAYMENT_INTENT, _id(session.get("payment_intent")), contribution
        )
        return contribution  # an asynchronous payment, still on its way
    paid = from_stripe(int(session["amount_total"]), str(session["currency"]))
    return _paid(event, contribution, _id(session.get("payment_intent")), paid)


def _ended(
    target: C, reason: Callable[[], str]
) -> Callable[[dict[str, Any], dict[str, Any]], Contribution]:
    def handle(_event: dict[str, Any], session: dict[str, Any]) -> Contribution:
        contribution = _for_session(session)
        lock_contribution(contribution)
        if contribution.status is C.PENDING and _is_latest(contribution, session.get("id")):
            contributions.WORKFLOW.move(None, contribution, target, reason=reason())
        return contribution

    return handle


def _charged(event: dict[str, Any], charge: dict[str, Any]) -> Contribution:
    """The contribution of ``charge``, received (a refunded or disputed charge was paid)."""
    contribution = _for_charge(charge)
    lock_contribution(contribution)
    references.remember(STRIPE, K.CHARGE, charge.get("id"), contribution)
    if contribution.status not in HAS_ARRIVED and charge.get("paid", True):
        paid = from_stripe(int(charge["amount"]), str(charge["currency"]))
        contribution = _paid(event, contribution, _id(charge.get("payment_intent")), paid)
    else:
        references.remember(
            STRIPE, K.PAYMENT_INTENT, _id(charge.get("payment_intent")), contribution
        )
    if contribution.settled_at is None:
        if isinstance(charge.get("balance_transaction"), dict):
            facts.settle_payment(contribution, charge)
        elif charge.get("balance_transaction"):
            facts.settle_payment(contribution, gateway.retrieve_charge(str(charge["id"])))
    return contribution


def _charge_refunded(event: dict[str, Any], charge: dict[str, Any]) -> Contribution:
    contribution = _charged(event, charge)
    facts.refunds_of_charge(contribution, charge)
    return contribution


def _refund(event: dict[str, Any], refund: dict[str, Any]) -> Contribution:
    known = references.refund_of(STRIPE, refund.get("id"))
    contribution = (
        db.session.get(Contribution, known.contribution_id)
        if known is not None
        else references.contribution_of(
            STRIPE, _id(refund.get("charge")), _id(refund.get("payment_intent"))
        )
    )
    if contribution is not None and contribution.status in HAS_ARRIVED:
        lock_contribution(contribution)
    else:  # a refund of a payment we have not heard of yet: Stripe's charge says whose it is
        contribution = _charged(event, _stripe_charge(_id(refund.get("charge"))))
    facts.refund_reported(contribution, refund)
    return contribution


def _dispute(event: dict[str, Any], dispute: dict[str, Any]) -> Contribution:
    known = references.contribution_of(
        STRIPE, _id(dispute.get("charge")), _id(dispute.get("payment_intent"))
    )
    if known is not None and known.status in HAS_ARRIVED:
        contribution = known
        lock_contribution(contribution)
    else:  # a dispute of a payment we have not heard of yet: Stripe's charge says whose it is
        contribution = _charged(event, _stripe_charge(_id(dispute.get("charge"))))
    facts.dispute_reported(contribution, dispute)
    return contribution


Handler = Callable[[dict[str, Any], dict[str, Any]], Contribution]
HANDLERS: dict[str, Handler] = {
    "checkout.session.completed": _checkout_completed,
    "checkout.session.async_payment_succeeded": _checkout_completed,
    "checkout.session.async_payment_failed": _ended(C.FAILED, lambda: _("payment failed")),
    "checkout.session.expired": _ended(C.EXPIRED, lambda: _("checkout expired")),
    "charge.updated": _charged,
    "charge.refunded": _charge_refunded,
    "refund.created": _refund,
    "refund.updated": _refund,
    "refund.failed": _refund,
    "charge.refund.updated": _refund,
    "charge.dispute.created": _dispute,
    "charge.dispute.updated": _dispute,
    "charge.dispute.closed": _dispute,
    "charge.dispute.funds_withdrawn": _dispute,
    "charge.dispute.funds_reinstated": _dispute,
}


def apply_event(event: dict[str, Any]) -> tuple[Contribution | None, str]:
    """Apply a stored event: the contribution it concerned and what became of it."""
    if bool(event.get("livemode")) != gateway.is_live():
        raise IgnoredEvent(
            "test-mode event on a live configuration"
            if gateway.is_live()
            else "live event on a test configuration"
        )
    handler = HANDLERS.get(str(event.get("type")))
    if handler is None:
        raise IgnoredEvent("not needed")
    contribution = handler(event, event["data"]["object"])
    message = f"contribution {contribution.id}: {contribution.status.value}"
    version = str(event.get("api_version") or "")
    if version and version != gateway.API_VERSION:
        log.warning("Stripe event %s is written in API version %s", event.get("id"), version)
        message += (
            f" (written in API version {version}; this application reads "
            f"{gateway.API_VERSION}: set the webhook endpoint's version)"
        )
    return contribution, message


def apply_session(session: dict[str, Any]) -> Contribution:
    """What Stripe says of a Checkout Session now, applied as its event would have been (for
    ``flask fund reconcile``: a payment whose event never arrived)."""
    event = {"created": session.get("created") or 0}
    if session.get("status") == "complete":
        contribution = _checkout_completed(event, session)
        if session.get("payment_status") != "paid" and contribution.status is C.PENDING:
            _async_outcome(contribution, session)
        return contribution
    if session.get("status") == "expired":
        return HANDLERS["checkout.session.expired"](event, session)
    return _for_session(session)


def _async_outcome(contribution: Contribution, session: dict[str, Any]) -> None:
    """A complete session whose payment is still unpaid: its payment intent says whether the
    payment failed (while its event was lost) or is still on its way."""
    intent_id = _id(session.get("payment_intent"))
    if not intent_id:
        return
    intent = gateway.retrieve_payment_intent(intent_id)
    status = intent.get("status")
    if status in ("requires_payment_method", "canceled") and _is_latest(
        contribution, session.get("id")
    ):
        contributions.WORKFLOW.move(None, contribution, C.FAILED, reason=_("payment failed"))
    elif status == "succeeded" and isinstance(intent.get("latest_charge"), dict):
        _charged({"created": session.get("created") or 0}, intent["latest_charge"])
