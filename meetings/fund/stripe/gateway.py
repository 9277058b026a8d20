"""The one door to Stripe: the real ``stripe`` library (``StripeClient``), configured from the
environment, pointed elsewhere by MEETINGS_STRIPE_API_BASE (the tests' own Stripe-compatible
server). Everything else sees plain dictionaries and DomainError.

The API version is pinned (:data:`API_VERSION`): every request names it, and the shapes the
fund reads are those of this version — a charge without its refunds (Stripe stopped expanding
them in 2022-11-15), a payment intent's ``latest_charge``, disputes with their balance
transactions, refunds with ``refund.*`` events. The webhook endpoint at Stripe must be created
with the same version (the README says how); an event written in another version is flagged.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

import stripe
from flask import current_app
from flask_babel import gettext as _

from meetings.errors import DomainError
from meetings.fund.payments import InvalidEvent, MalformedEvent

log = logging.getLogger(__name__)

# The version stripe-python 16 is written for; a new library version is a new review of the
# shapes this package reads (tests/fund/test_stripe_version.py fails until it is done).
API_VERSION = "2026-10-28.endive"
WEBHOOK_TOLERANCE = 300  # seconds


class PaymentServiceError(DomainError):
    status_code = 502


class NotAtStripe(PaymentServiceError):
    """Stripe has no such object (of this account and mode)."""


def configured() -> bool:
    """Whether card payments are offered (a secret key is set)."""
    return bool(current_app.config.get("STRIPE_SECRET_KEY"))


def is_live() -> bool:
    return str(current_app.config.get("STRIPE_SECRET_KEY") or "").startswith("sk_live_")


def _client() -> stripe.StripeClient:
    key = current_app.config.get("STRIPE_SECRET_KEY")
    if not key:
        raise PaymentServiceError(_("Card payments are not available."))
    base = current_app.config.get("STRIPE_API_BASE")
    cached = current_app.extensions.get("meetings_stripe")
    if cached is not None and cached[0] == (key, base):
        return cached[1]  # type: ignore[no-any-return]
    client = stripe.StripeClient(
        str(key),
        stripe_version=API_VERSION,
        base_addresses={"api": str(base)} if base else None,
        max_network_retries=2,
    )
    current_app.extensions["meetings_stripe"] = ((key, base), client)
    return client


def _plain(value: Any) -> dict[str, Any]:
    return value.to_dict() if hasattr(value, "to_dict") else dict(value)


def _call(what: str, function: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
    try:
        return _plain(function(*args, **kwargs))
    except stripe.StripeError as error:
        log.warning("Stripe %s failed: %s", what, error)
        kind = NotAtStripe if getattr(error, "http_status", None) == 404 else PaymentServiceError
        raise kind(
            _(
                "The payment service did not accept the request (%(reason)s). Nothing was "
                "charged or refunded; please try again.",
                reason=getattr(error, "user_message", None) or type(error).__name__,
            )
        ) from error


def create_checkout_session(params: dict[str, Any], idempotency_key: str) -> dict[str, Any]:
    return _call(
        "checkout",
        _client().v1.checkout.sessions.create,
        params=params,
        options={"idempotency_key": idempotency_key},
    )


def retrieve_checkout_session(session_id: str) -> dict[str, Any]:
    return _call("checkout lookup", _client().v1.checkout.sessions.retrieve, session_id)


def retrieve_payment_intent(intent_id: str) -> dict[str, Any]:
    """The payment intent, with its latest charge and that charge's balance transaction."""
    return _call(
        "payment lookup",
        _client().v1.payment_intents.retrieve,
        intent_id,
        params={"expand": ["latest_charge.balance_transaction"]},
    )


def retrieve_charge(charge_id: str) -> dict[str, Any]:
    """The charge, with its balance transaction (its refunds are not part of it)."""
    return _call(
        "charge lookup",
        _client().v1.charges.retrieve,
        charge_id,
        params={"expand": ["balance_transaction"]},
    )


def retrieve_refund(refund_id: str) -> dict[str, Any]:
    return _call(
        "refund lookup",
        _client().v1.refunds.retrieve,
        refund_id,
        params={"expand": ["balance_transaction", "failure_balance_transaction"]},
    )


def refunds_of_charge(charge_id: str) -> list[dict[str, Any]]:
    """Every refund of a charge (Stripe no longer sends them with the charge)."""
    try:
        page = _client().v1.refunds.list(
            params={
                "charge": charge_id,
                "limit": 100,
                "expand": ["data.balance_transaction", "data.failure_balance_transaction"],
            }
        )
        return [_plain(refund) for refund in page.auto_paging_iter()]
    except stripe.StripeError as error:
        raise PaymentServiceError(
            _("The payment service could not list the refunds (%(reason)s).", reason=str(error))
        ) from error


def create_refund(params: dict[str, Any], idempotency_key: str) -> dict[str, Any]:
    return _call(
        "refund",
        _client().v1.refunds.create,
        params=params,
        options={"idempotency_key": idempotency_key},
    )


def _listed(listing: Any, failure: Callable[[str], str]) -> Iterator[dict[str, Any]]:
    try:
        for item in listing.auto_paging_iter():
            yield _plain(item)
    except stripe.StripeError as error:
        raise PaymentServiceError(failure(str(error))) from error


def _events_failed(reason: str) -> str:
    return str(_("The payment service could not list its events (%(reason)s).", reason=reason))


def _transactions_failed(reason: str) -> str:
    return str(
        _(
            "The payment service could not list its balance transactions (%(reason)s).",
            reason=reason,
        )
    )


def events(*, created_after: int) -> Iterator[dict[str, Any]]:
    """Every event Stripe holds that was created after ``created_after`` (a Unix time)."""
    try:
        listing = _client().v1.events.list(params={"created": {"gt": created_after}, "limit": 100})
    except stripe.StripeError as error:
        raise PaymentServiceError(_events_failed(str(error))) from error
    yield from _listed(listing, _events_failed)


def balance_transactions(*, start: int, end: int) -> Iterator[dict[str, Any]]:
    """Stripe's balance transactions created in [start, end) (Unix times)."""
    try:
        listing = _client().v1.balance_transactions.list(
            params={"created": {"gte": start, "lt": end}, "limit": 100}
        )
    except stripe.StripeError as error:
        raise PaymentServiceError(_transactions_failed(str(error))) from error
    yield from _listed(listing, _transactions_failed)


def verified_event(payload: bytes, signature: str | None) -> dict[str, Any]:
    """The event of a webhook request, after checking its signature on the raw body and its
    age (at most five minutes). InvalidEvent for anything unsigned, tampered, old or foreign;
    MalformedEvent for a signed body that is not an event we can read."""
    secret = current_app.config.get("STRIPE_WEBHOOK_SECRET")
    if not secret:
        raise InvalidEvent("no webhook secret is configured")
    try:
        stripe.WebhookSignature.verify_header(
            payload, signature or "", str(secret), WEBHOOK_TOLERANCE
        )
    except stripe.SignatureVerificationError as error:
        raise InvalidEvent(str(error)) from error
    try:
        event = json.loads(payload)
    except ValueError as error:
        raise MalformedEvent(f"not JSON: {error}") from error
    if not isinstance(event, dict):
        raise MalformedEvent(f"not an event object but a JSON {type(event).__name__}")
    event_id = event.get("id")
    if not isinstance(event_id, str) or not event_id.startswith("evt_") or len(event_id) > 255:
        raise MalformedEvent("an event without a Stripe event id")
    data = event.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("object"), dict):
        raise MalformedEvent("an event without its object")
    if not isinstance(event.get("type"), str):
        raise MalformedEvent("an event without its type")
    if not isinstance(event.get("created"), int) or isinstance(event.get("created"), bool):
        raise MalformedEvent("an event without the time it was created")
    return event
