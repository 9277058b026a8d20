"""The Stripe API version is pinned: every request names it, the tests' Stripe speaks it, and an
event written in another version is processed but flagged, so that an administrator sets the
webhook endpoint's version."""

from __future__ import annotations

import stripe as stripe_library

from meetings.fund.stripe import gateway
from tests.fund.helpers import contribute, contribution, session_of
from tests.support.stripe_api import API_VERSION, StripeServer


def test_the_pinned_version_is_the_librarys_and_the_test_servers() -> None:
    """A new stripe library speaks a new version: this fails until the shapes the fund reads
    (charges, refunds, disputes, balance transactions, events) are reviewed for it."""
    assert gateway.API_VERSION == stripe_library.api_version == API_VERSION


def test_every_request_names_the_pinned_version(client, stripe: StripeServer) -> None:
    contribute(client, "100.00")
    stripe.pay(session_of(contribution()))
    stripe.deliver()
    assert stripe.requests
    assert {r.headers.get("Stripe-Version") for r in stripe.requests} == {API_VERSION}


def test_an_event_of_another_version_is_applied_and_flagged(client, stripe: StripeServer) -> None:
    from meetings.fund.models import ContributionStatus, PaymentEvent
    from tests.fund.helpers import signed_post

    contribute(client, "100.00")
    stripe.api_version = "2024-06-20"
    stripe.pay(session_of(contribution()))
    [event] = stripe.take()
    assert signed_post(client, stripe, event).status_code == 200
    assert contribution().status is ContributionStatus.RECEIVED
    from meetings.extensions import db

    stored = db.session.get(PaymentEvent, event["id"])
    assert stored.api_version == "2024-06-20"
    assert "written in API version 2024-06-20" in stored.message
