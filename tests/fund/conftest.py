"""The fund's tests talk to the real ``stripe`` library, pointed at the tests' own
Stripe-compatible server on 127.0.0.1; its webhook events reach the application through the
test client, signed as Stripe signs them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from tests.support import Client
from tests.support.stripe_api import RunningStripe, StripeServer


@pytest.fixture(scope="session")
def stripe_api() -> Iterator[RunningStripe]:
    server = RunningStripe()
    yield server
    server.close()


@pytest.fixture
def stripe(
    app: Flask, stripe_api: RunningStripe, monkeypatch: pytest.MonkeyPatch
) -> Iterator[StripeServer]:
    """Card payments switched on for this test, against a fresh test server."""
    state = stripe_api.state
    state.reset()
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", state.secret_key)
    monkeypatch.setitem(app.config, "STRIPE_PUBLISHABLE_KEY", "pk_test_meetings_local")
    monkeypatch.setitem(app.config, "STRIPE_WEBHOOK_SECRET", state.webhook_secret)
    monkeypatch.setitem(app.config, "STRIPE_API_BASE", stripe_api.url)
    app.test_client_class = Client
    webhook_client = app.test_client()

    def deliver(payload: bytes, headers: dict[str, str]) -> int:
        return webhook_client.post(
            "/fund/stripe/webhook", data=payload, headers=headers
        ).status_code

    state.deliver_to = deliver
    yield state
    state.deliver_to = None
    state.reset()
