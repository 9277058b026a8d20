"""A contribution's checkout sessions: each event is matched to the session it names; money
Stripe received is always booked, also on a contribution whose checkout had expired or failed;
reconciling settles what lost webhooks left pending; a donor whose checkout expired is told that
nothing was charged."""

from __future__ import annotations

from datetime import timedelta

import pytest

from meetings import clock
from meetings.extensions import db
from meetings.fund import checkout, ledger, references
from meetings.fund.models import Contribution, ContributionStatus, LedgerKind, ReferenceKind
from tests.fund.helpers import (
    TOKEN,
    contribute,
    contribution,
    count,
    entries,
    session_of,
    signed_post,
    usd,
)
from tests.support.stripe_api import StripeServer

K = LedgerKind


def _sessions(found: Contribution) -> list[str]:
    return [r.reference for r in references.of(found, ReferenceKind.CHECKOUT_SESSION)]


def test_a_form_sent_again_after_stripe_forgot_its_key_pays_on_a_second_session_that_is_booked(
    client, stripe: StripeServer
) -> None:
    """Session A expires at Stripe a day later, and Stripe forgets the form's idempotency key;
    the donor sends the same form again and pays on session B; A's expiry arrives meanwhile.
    The payment on B is received and booked."""
    contribute(client, "100.00")
    first = session_of(contribution())
    stripe.expire(first)
    expired = stripe.take("checkout.session.expired")
    stripe.forget_idempotency_keys()
    response = contribute(client, "100.00")
    assert response.status_code == 303
    found = contribution()
    assert len(_sessions(found)) == 2
    second = session_of(found)
    assert second != first
    assert response.headers["Location"].endswith(second)
    assert signed_post(client, stripe, expired[0]).status_code == 200
    assert contribution().status is ContributionStatus.PENDING  # an earlier session ended
    stripe.pay(second)
    assert stripe.deliver() == [200]
    found = contribution()
    assert found.status is ContributionStatus.RECEIVED
    assert entries(found, K.CONTRIBUTION_RECEIVED) == [(K.CONTRIBUTION_RECEIVED, 10_000)]


@pytest.mark.parametrize("how", ["expired", "failed"])
def test_a_paid_session_is_booked_on_a_contribution_whose_checkout_expired_or_failed(
    client, stripe: StripeServer, how: str
) -> None:
    contribute(client, "100.00")
    first = session_of(contribution())
    if how == "expired":
        stripe.expire(first)
    else:
        stripe.pay(first, async_payment=True)
        stripe.settle_async(first, succeeded=False)
    stripe.deliver()
    found = contribution()
    assert found.status is (
        ContributionStatus.EXPIRED if how == "expired" else ContributionStatus.FAILED
    )
    # A second session opened while the first one's end was on its way (two tabs of one form).
    second_url = checkout.open_checkout(found)
    db.session.commit()
    stripe.pay(second_url.rsplit("/", 1)[1])
    assert stripe.deliver() == [200]
    found = contribution()
    assert found.status is ContributionStatus.RECEIVED
    assert ledger.balances().received == usd(10_000)


def test_a_second_payment_of_a_gift_already_received_is_booked_as_its_own_and_flagged(
    client, stripe: StripeServer
) -> None:
    contribute(client, "100.00")
    found = contribution()
    first = session_of(found)
    stripe.pay(first)
    stripe.deliver()
    second_url = stripe._create_session(  # a session Stripe made for the same contribution
        {
            "mode": "payment",
            "success_url": "http://localhost/ok",
            "cancel_url": "http://localhost/no",
            "line_items": [
                {"quantity": "1", "price_data": {"currency": "usd", "unit_amount": "10000"}}
            ],
            "metadata": {"contribution": str(found.id)},
            "payment_intent_data": {"metadata": {"contribution": str(found.id)}},
        }
    )["id"]
    stripe.pay(second_url)
    assert stripe.deliver() == [200]
    assert count(Contribution) == 2
    assert ledger.balances().received == usd(20_000)
    twice = db.session.get(Contribution, found.id + 1)
    assert twice is not None
    assert twice.status is ContributionStatus.RECEIVED
    assert "paid a second time" in (twice.mismatch or "")
    assert contribution().status is ContributionStatus.RECEIVED


def test_reconcile_settles_an_async_payment_that_failed_while_the_webhooks_were_lost(
    app, client, stripe: StripeServer
) -> None:
    contribute(client, "100.00")
    session_id = session_of(contribution())
    stripe.pay(session_id, async_payment=True)
    stripe.settle_async(session_id, succeeded=False)
    stripe.queued.clear()
    stripe.events.clear()  # not even in Stripe's list of events: only the session tells
    later = clock.now() + timedelta(days=2)
    with clock.standing_at(later):
        result = app.test_cli_runner().invoke(args=["fund", "reconcile"])
    assert result.exit_code == 0, result.output
    assert f"contribution {contribution().id}: settled" in result.output
    assert contribution().status is ContributionStatus.FAILED


def test_reconcile_reads_a_fee_that_could_not_be_read_when_the_payment_arrived(
    app, client, stripe: StripeServer, monkeypatch
) -> None:
    from meetings.fund.stripe import gateway

    contribute(client, "100.00")
    stripe.pay(session_of(contribution()))

    def unreachable(_intent: str) -> dict:
        raise gateway.PaymentServiceError("Stripe cannot be reached")

    with monkeypatch.context() as patched:
        patched.setattr(gateway, "retrieve_payment_intent", unreachable)
        assert stripe.deliver() == [200]  # the gift is booked all the same
    found = contribution()
    assert (found.status, found.settled_at) == (ContributionStatus.RECEIVED, None)
    assert entries(found, K.PAYMENT_FEE) == []
    result = app.test_cli_runner().invoke(args=["fund", "reconcile"])
    assert "Fees read from Stripe: 1" in result.output, result.output
    assert entries(contribution(), K.PAYMENT_FEE) == [(K.PAYMENT_FEE, 320)]
    assert "they agree" in result.output


def test_a_donor_whose_checkout_expired_is_told_nothing_was_charged_and_may_start_again(
    client, stripe: StripeServer
) -> None:
    contribute(client, "100.00", name="Ana Donor")
    stripe.expire(session_of(contribution()))
    stripe.deliver()
    response = contribute(client, "100.00")  # the same form, sent again
    html = response.get_data(as_text=True)
    assert "Nothing was charged" in html
    assert "already made" not in html
    assert f'value="{TOKEN}"' not in html  # a new form of its own
    assert 'value="100.00"' in html
    again = contribute(client, "100.00", token="n" * 40)
    assert again.status_code == 303
    assert count(Contribution) == 2
