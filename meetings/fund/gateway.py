"""The one door to Stripe: the real ``stripe`` library (``StripeClient``), configured from the
environment, pointed elsewhere by MEETINGS_STRIPE_API_BASE (the tests' own Stripe-compatible
server). Everything else in the application sees plain dictionaries and DomainError."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import stripe
from flask import current_app
from flask_babel import gettext as _

from meetings.errors import DomainError

log = logging.getLogger(__name__)

WEBHOOK_TOLERANCE = 300  # seconds


class PaymentServiceError(DomainError):
    status_code = 502


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
        raise PaymentServiceError(
            _(
                "The payment service did not accept the request (%(reason)s). Nothing was "
                "charged or refunded; please try again.",
                reason=getattr(error, "user_message", None) or type(error).__name__,
            )
        ) from error


def create_checkout_session(params: dict[str, Any], idempotency_key: str) -> dict[str, Any]:
    client = _client()
    return _call(
        "checkout",
        client.v1.checkout.sessions.create,
        params=params,
        options={"idempotency_key": idempotency_key},
    )


def retrieve_checkout_session(session_id: str) -> dict[str, Any]:
    return _call("checkout lookup", _client().v1.checkout.sessions.retrieve, session_id)


def retrieve_charge(charge_id: str) -> dict[str, Any]:
    return _call("charge lookup", _client().v1.charges.retrieve, charge_id)


def create_refund(params: dict[str, Any], idempotency_key: str) -> dict[str, Any]:
    return _call(
        "refund",
        _client().v1.refunds.create,
        params=params,
        options={"idempotency_key": idempotency_key},
    )


def events(*, created_after: int) -> Iterator[dict[str, Any]]:
    """Every event Stripe holds that was created after ``created_after`` (a Unix time)."""
    try:
        page = _client().v1.events.list(params={"created": {"gt": created_after}, "limit": 100})
        for event in page.auto_paging_iter():
            yield _plain(event)
    except stripe.StripeError as error:
        raise PaymentServiceError(
            _("The payment service could not list its events (%(reason)s).", reason=str(error))
        ) from error


def verified_event(payload: bytes, signature: str | None) -> dict[str, Any]:
    """The event of a webhook request, after checking its signature on the raw body and its
    age (at most five minutes); ValueError for anything unsigned, tampered, old or foreign."""
    secret = current_app.config.get("STRIPE_WEBHOOK_SECRET")
    if not secret:
        raise ValueError("no webhook secret is configured")
    try:
        event = stripe.Webhook.construct_event(
            payload, signature, str(secret), tolerance=WEBHOOK_TOLERANCE
        )
    except (stripe.SignatureVerificationError, ValueError) as error:
        raise ValueError(str(error)) from error
    return _plain(event)
