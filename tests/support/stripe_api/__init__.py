"""A Stripe-compatible API for the tests, served on 127.0.0.1.

No Stripe server can be reached from here, and the available fakes fall short, so the tests run
this one. It implements what the application uses, as Stripe documents it for the API version the
application pins: form-encoded bodies with Stripe's bracket notation, a bearer secret key, the
``Stripe-Version`` header, integer amounts in Stripe's minor units above the minimum charge,
lower-case currencies, ``Idempotency-Key`` replay (same key and parameters → the stored answer;
other parameters → 400 ``idempotency_error``), ``expand``, Stripe-shaped objects (charges without
their refunds, balance transactions with fees and conversion, disputes with their movements of
money) and errors, events listed by ``/v1/events`` and sent to the application signed exactly as
Stripe signs them (``stripe.WebhookSignature``).

Its hosted checkout page (the session's ``url``) has Pay and Cancel buttons. Events are queued
and sent by :meth:`StripeServer.deliver` — or, with ``auto_deliver``, from a thread of their own a
moment later, as Stripe would (browser tests).
"""

from tests.support.stripe_api.http import RunningStripe
from tests.support.stripe_api.server import (
    API_VERSION,
    SECRET_KEY,
    WEBHOOK_SECRET,
    Recorded,
    StripeServer,
)

__all__ = [
    "API_VERSION",
    "SECRET_KEY",
    "WEBHOOK_SECRET",
    "Recorded",
    "RunningStripe",
    "StripeServer",
]
