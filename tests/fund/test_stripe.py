"""Giving by card: the Checkout Session we ask for, the webhook, fulfilment in any order,
refunds through the API, reconciliation."""

from __future__ import annotations

import itertools
import json
import logging
import random
import re
import time

import pytest
import sqlalchemy as sa

from meetings.auth.models import Role
from meetings.extensions import db
from meetings.fund import ledger
from meetings.fund.models import (
    ContributionStatus,
    EventOutcome,
    LedgerKind,
    PaymentEvent,
    Refund,
    RefundStatus,
)
from meetings.fund.stripe.amounts import from_stripe, to_stripe
from meetings.money import Money
from tests.factories.fund import set_rates
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
FEE_ON_100 = 290 + 30  # Stripe's 2.9 % + 30 cents on USD 100.00


@pytest.fixture
def paid(client, stripe: StripeServer):
    """A USD 100.00 card contribution, paid at Stripe and confirmed by the webhook."""
    response = contribute(client, "100.00")
    assert response.status_code == 303
    session_id = session_of(contribution())
    stripe.pay(session_id)
    assert stripe.deliver() == [200]
    return session_id


# --- checkout ------------------------------------------------------------------------------------


def test_the_session_we_open_carries_our_amount_currency_reference_and_idempotency_key(
    client, stripe: StripeServer
) -> None:
    response = contribute(client, "10.00", "USD")
    found = contribution()
    assert found.status is ContributionStatus.PENDING
    assert response.status_code == 303
    assert response.headers["Location"] == f"{stripe.base_url}/checkout/{session_of(found)}"
    [request] = [r for r in stripe.requests if r.path == "/v1/checkout/sessions"]
    item = request.params["line_items"][0]
    assert item["price_data"] == {
        "currency": "usd",
        "unit_amount": "1000",
        "product_data": {"name": "Contribution to the voluntary sponsorship fund"},
    }
    assert request.params["client_reference_id"] == str(found.id)
    assert request.params["metadata"] == {"contribution": str(found.id)}
    assert request.params["payment_intent_data"]["metadata"] == {"contribution": str(found.id)}
    assert request.params["success_url"] == f"http://localhost/fund/thanks/{TOKEN}"
    assert request.headers["Idempotency-Key"] == f"checkout-{TOKEN}"


def test_a_double_submit_opens_one_session(client, stripe: StripeServer) -> None:
    first = contribute(client)
    second = contribute(client)
    assert first.headers["Location"] == second.headers["Location"]
    assert len(stripe.sessions) == 1
    assert count(PaymentEvent) == 0
    assert len([r for r in stripe.requests if r.method == "POST"]) == 1


@pytest.mark.parametrize(
    ("amount", "currency", "unit_amount"),
    [("1500", "JPY", "1500"), ("12.340", "KWD", "12340"), ("10.50", "EUR", "1050")],
)
def test_amounts_reach_stripe_in_its_minor_units(
    client, stripe: StripeServer, amount: str, currency: str, unit_amount: str
) -> None:
    set_rates(db_today())
    assert contribute(client, amount, currency).status_code == 303
    request = next(r for r in stripe.requests if r.path == "/v1/checkout/sessions")
    price = request.params["line_items"][0]["price_data"]
    assert (price["currency"], price["unit_amount"]) == (currency.lower(), unit_amount)


def db_today():
    from meetings import clock

    return clock.now().date()


@pytest.mark.parametrize(
    ("money", "stripe_amount"),
    [
        (Money(1500, "JPY"), 1500),
        (Money(12340, "KWD"), 12340),
        (Money(1050, "EUR"), 1050),
        (Money(5000, "ISK"), 500000),  # ISO: no decimals; Stripe: two, whole krónur
        (Money(20000, "UGX"), 2000000),
        (Money(150000, "HUF"), 150000),  # whole forints only
        (Money(150000, "MGA"), 1500),  # ISO: two decimals; Stripe: none
    ],
)
def test_stripe_minor_units_differ_from_iso_for_a_few_currencies(
    app, money: Money, stripe_amount: int
) -> None:
    assert to_stripe(money) == (stripe_amount, money.currency.lower())
    assert from_stripe(stripe_amount, money.currency.lower()) == money


@pytest.mark.parametrize("money", [Money(12345, "KWD"), Money(150050, "HUF"), Money(150050, "MGA")])
def test_amounts_stripe_cannot_charge_are_refused_beside_the_amount(app, money: Money) -> None:
    from meetings.errors import DomainError

    with pytest.raises(DomainError) as caught:
        to_stripe(money)
    assert caught.value.field == "amount"


@pytest.mark.parametrize(
    ("amount", "currency", "field", "message"),
    [
        ("0", "USD", "amount", "above zero"),
        ("-3", "USD", "amount", "above zero"),
        ("ten", "USD", "amount", "like 1,500.00"),
        ("10.005", "USD", "amount", "at most 2 decimals"),
        ("9000000", "USD", "amount", "more than"),
        ("0.20", "USD", "amount", "smallest card payment"),
        ("10", "GBP", "currency", "Not a valid choice"),  # no rate this month: not offered
        ("10", "ZZZ", "currency", "Not a valid choice"),
    ],
)
def test_bad_amounts_are_refused_beside_the_field_and_nothing_is_written(
    client, stripe: StripeServer, amount: str, currency: str, field: str, message: str
) -> None:
    from meetings.fund.models import Contribution

    response = contribute(client, amount, currency)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert f'id="{field}-error"' in html
    assert f'value="{amount}"' in html  # what was typed is kept
    assert count(Contribution) == 0
    assert stripe.requests == []


def test_without_stripe_keys_the_page_offers_bank_transfer_and_no_card_form(client) -> None:
    from meetings.fund.models import Contribution

    html = client.get("/fund/contribute").get_data(as_text=True)
    assert "Give by bank transfer" in html
    assert "Continue to payment" not in html
    assert contribute(client).status_code == 200
    assert count(Contribution) == 0


# --- the webhook ---------------------------------------------------------------------------------


def _completed_event(stripe: StripeServer, session_id: str) -> dict:
    stripe.pay(session_id)
    [event] = stripe.take("checkout.session.completed")
    return event


@pytest.mark.parametrize("tamper", ["unsigned", "tampered", "stale", "wrong secret", "not json"])
def test_a_webhook_that_is_not_signed_by_stripe_is_refused_and_writes_nothing(
    client, stripe: StripeServer, tamper: str
) -> None:
    contribute(client)
    event = _completed_event(stripe, session_of(contribution()))
    payload, headers = stripe.signed(event)
    if tamper == "unsigned":
        headers.pop("Stripe-Signature")
    elif tamper == "tampered":
        payload = payload.replace(b'"paid"', b'"PAID"')
    elif tamper == "stale":
        payload, headers = stripe.signed(event, timestamp=int(time.time()) - 301)
    elif tamper == "wrong secret":
        payload, headers = stripe.signed(event, secret="whsec_someone_else")
    else:
        payload, headers = b"{not json", stripe.signed(event)[1]
    response = client.post("/fund/stripe/webhook", data=payload, headers=headers)
    assert response.status_code == 400
    assert response.is_json
    assert count(PaymentEvent) == 0
    assert contribution().status is ContributionStatus.PENDING


def test_a_paid_session_is_received_once_with_its_entry_its_fee_and_a_receipt(
    client, stripe: StripeServer, outbox
) -> None:
    contribute(client, "100.00")
    found = contribution()
    stripe.pay(session_of(found))
    assert stripe.deliver() == [200]
    found = contribution()
    assert found.status is ContributionStatus.RECEIVED
    assert entries(found) == [(K.CONTRIBUTION_RECEIVED, 10_000), (K.PAYMENT_FEE, FEE_ON_100)]
    assert found.settled_at is not None
    assert found.receipt_number is not None
    assert [m["To"] for m in outbox] == ["ana@example.org"]
    assert found.receipt_label in outbox[0]["Subject"]
    # The gift is the donor's; the fee is the fund's cost: available is the cash.
    balances = ledger.balances()
    assert (balances.given, balances.fees) == (usd(10_000), usd(FEE_ON_100))
    assert balances.available == usd(10_000 - FEE_ON_100)


def test_an_event_for_a_payment_that_is_not_ours_is_logged_and_answered_200(
    client, stripe: StripeServer, caplog
) -> None:
    event = stripe.emit(
        "checkout.session.completed",
        {
            "id": "cs_test_elsewhere",
            "object": "checkout.session",
            "metadata": {},
            "client_reference_id": None,
        },
    )
    with caplog.at_level(logging.WARNING):
        response = signed_post(client, stripe, event)
    assert response.status_code == 200
    assert response.json["outcome"] == "ignored"
    assert "no contribution of ours" in caplog.text


def test_events_we_do_not_need_are_answered_200(client, stripe: StripeServer) -> None:
    event = stripe.emit("customer.created", {"id": "cus_test_1", "object": "customer"})
    response = signed_post(client, stripe, event)
    assert (response.status_code, response.json["outcome"]) == (200, "ignored")


def test_the_same_event_ten_times_is_applied_once(client, stripe: StripeServer) -> None:
    contribute(client)
    event = _completed_event(stripe, session_of(contribution()))
    payload, headers = stripe.signed(event)
    for _ in range(10):
        assert client.post("/fund/stripe/webhook", data=payload, headers=headers).status_code == 200
    assert count(PaymentEvent) == 1
    assert entries(contribution(), K.CONTRIBUTION_RECEIVED) == [(K.CONTRIBUTION_RECEIVED, 1000)]


def test_a_test_mode_event_reaching_a_live_configuration_is_ignored_and_logged(
    app, client, stripe: StripeServer, monkeypatch, caplog
) -> None:
    contribute(client)
    event = _completed_event(stripe, session_of(contribution()))
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "sk_live_not_really")
    with caplog.at_level(logging.WARNING):
        response = signed_post(client, stripe, event)
    assert (response.status_code, response.json["outcome"]) == (200, "ignored")
    assert "test-mode event on a live configuration" in caplog.text
    assert contribution().status is ContributionStatus.PENDING


def test_a_payment_of_other_figures_is_received_at_stripes_and_flagged(
    client, stripe: StripeServer
) -> None:
    contribute(client, "100.00")
    stripe.pay(session_of(contribution()), amount=9_000)
    stripe.deliver()
    found = contribution()
    assert found.status is ContributionStatus.RECEIVED
    assert found.amount == Money(9_000, "USD")
    assert found.mismatch == "We asked for $100.00; $90.00 was received."
    assert entries(found, K.CONTRIBUTION_RECEIVED) == [(K.CONTRIBUTION_RECEIVED, 9_000)]


def test_an_async_payment_waits_then_succeeds_or_fails(client, stripe: StripeServer) -> None:
    contribute(client, token="a" * 40)
    contribute(client, token="b" * 40)
    first, second = contribution("a" * 40), contribution("b" * 40)
    for found in (first, second):
        stripe.pay(session_of(found), async_payment=True)
    stripe.deliver()
    assert contribution("a" * 40).status is ContributionStatus.PENDING
    stripe.settle_async(session_of(first), succeeded=True)
    stripe.settle_async(session_of(second), succeeded=False)
    stripe.deliver()
    assert contribution("a" * 40).status is ContributionStatus.RECEIVED
    assert contribution("b" * 40).status is ContributionStatus.FAILED


def test_an_expired_checkout_is_recorded_as_not_paid(client, stripe: StripeServer) -> None:
    contribute(client)
    stripe.expire(session_of(contribution()))
    stripe.deliver()
    assert contribution().status is ContributionStatus.EXPIRED


# --- any order -----------------------------------------------------------------------------------


def _events_of_one_payment(client, stripe: StripeServer, *, won: bool) -> list[dict]:
    """A USD 100 gift, a refund of 25 at Stripe's dashboard, and a chargeback of 75 that is
    won or lost: every event Stripe sends for them, undelivered."""
    contribute(client, "100.00")
    session_id = session_of(contribution())
    stripe.pay(session_id)
    stripe.refund(session_id, 2_500)
    dispute = stripe.dispute(session_id, 7_500)
    stripe.close_dispute(dispute["id"], won=won)
    return stripe.take()


def _orders(size: int) -> list[tuple[int, ...]]:
    """Stripe's order, its reverse, and a fixed sample of the others."""
    every = list(itertools.permutations(range(size)))
    return [every[0], every[-1], *random.Random(1713).sample(every[1:-1], 10)]


@pytest.mark.parametrize("won", [False, True], ids=["lost", "won"])
@pytest.mark.parametrize("order", range(12))
def test_every_order_of_a_payments_events_ends_in_the_same_state(
    client, stripe: StripeServer, order: int, won: bool
) -> None:
    events = _events_of_one_payment(client, stripe, won=won)
    for index in _orders(len(events))[order]:
        assert signed_post(client, stripe, events[index]).status_code == 200
    found = contribution()
    expected_status = ContributionStatus.PARTLY_REFUNDED if won else ContributionStatus.DISPUTE_LOST
    assert found.status is expected_status
    expected = [
        (K.CONTRIBUTION_RECEIVED, 10_000),
        (K.PAYMENT_FEE, FEE_ON_100),
        (K.REFUND_HELD, 2_500),
        (K.REFUND, 2_500),
        (K.REFUND_HOLD_RELEASED, 2_500),
        (K.DISPUTE_WITHDRAWN, 7_500),
        (K.PAYMENT_FEE, 1_500),  # the dispute fee
    ] + ([(K.DISPUTE_REVERSED, 7_500)] if won else [])
    assert sorted(entries(found)) == sorted(expected)
    spent_on_fees = FEE_ON_100 + 1_500
    assert ledger.balances().available == usd((7_500 if won else 0) - spent_on_fees)


# --- refunds through the API ---------------------------------------------------------------------


def test_an_administrators_refund_is_held_at_once_and_booked_when_stripe_confirms(
    client, login, stripe: StripeServer, paid
) -> None:
    stripe.refund_status = "pending"
    login(Role.FUND_ADMINISTRATOR)
    found = contribution()
    before = ledger.balances().available
    response = client.submit(
        f"/fund/contributions/{found.id}/refunds", {"amount": "40.00", "reason": "asked"}
    )
    assert response.status_code == 302
    refund = db.session.scalars(sa.select(Refund)).one()
    assert refund.status is RefundStatus.PENDING
    [request] = [r for r in stripe.requests if r.path == "/v1/refunds" and r.method == "POST"]
    assert request.params["amount"] == "4000"
    assert request.headers["Idempotency-Key"] == f"refund-{refund.id}"
    balances = ledger.balances()
    assert balances.refunded == usd(0)  # not before Stripe confirms…
    assert balances.held == usd(4_000)  # …but no longer available
    assert balances.available == before - usd(4_000)
    stripe.settle_refund(next(iter(stripe.refunds)))
    stripe.deliver()
    db.session.refresh(refund)
    assert refund.status is RefundStatus.SUCCEEDED
    assert contribution().status is ContributionStatus.PARTLY_REFUNDED
    balances = ledger.balances()
    assert (balances.refunded, balances.held) == (usd(4_000), usd(0))
    assert balances.available == before - usd(4_000)


def test_a_refund_at_stripe_we_did_not_ask_for_is_booked_too(
    client, stripe: StripeServer, paid
) -> None:
    stripe.refund(paid)
    stripe.deliver()
    assert contribution().status is ContributionStatus.REFUNDED
    assert ledger.balances().refunded == usd(10_000)


# --- the pages around it -------------------------------------------------------------------------


def test_the_thank_you_page_reads_only_and_confirms_once_the_webhook_is_in(
    client, stripe: StripeServer, queries
) -> None:
    contribute(client, "100.00")
    stripe.pay(session_of(contribution()))
    with queries() as counted:
        response = client.get(f"/fund/thanks/{TOKEN}")
    assert "Payment received, confirming" in response.get_data(as_text=True)
    assert not [s for s in counted.statements if re.match(r"(INSERT|UPDATE|DELETE)", s)]
    stripe.deliver()
    html = client.get(f"/fund/thanks/{TOKEN}").get_data(as_text=True)
    assert "Your contribution of $100.00 was received." in html
    receipt = client.get(f"/fund/thanks/{TOKEN}/receipt.pdf")
    assert receipt.status_code == 200
    assert receipt.data.startswith(b"%PDF-")


def test_an_unknown_thank_you_link_is_404(client) -> None:
    assert client.get("/fund/thanks/nothing-here").status_code == 404


def test_reconcile_applies_the_events_we_missed(app, client, stripe: StripeServer) -> None:
    contribute(client, "100.00")
    stripe.pay(session_of(contribution()))
    stripe.queued.clear()  # the webhook never reached us
    result = app.test_cli_runner().invoke(args=["fund", "reconcile"])
    assert result.exit_code == 0, result.output
    assert "Stripe events not processed before: 1" in result.output
    assert "they agree" in result.output
    db.session.expire_all()
    assert contribution().status is ContributionStatus.RECEIVED
    again = app.test_cli_runner().invoke(args=["fund", "reconcile"])
    assert "Stripe events not processed before: 0" in again.output
    assert count(PaymentEvent) == 1
    assert db.session.scalars(sa.select(PaymentEvent)).one().outcome is EventOutcome.PROCESSED


def test_the_webhook_answers_500_in_json_when_it_cannot_process(
    client, stripe: StripeServer, monkeypatch
) -> None:
    from meetings.fund.stripe import fulfilment

    contribute(client)
    event = _completed_event(stripe, session_of(contribution()))

    def broken(*_args):
        raise RuntimeError("database went away")

    monkeypatch.setitem(fulfilment.HANDLERS, "checkout.session.completed", broken)
    response = signed_post(client, stripe, event)
    assert response.status_code == 500
    assert json.loads(response.data) == {"error": "could not process the event"}
    assert count(PaymentEvent) == 0  # not stored: Stripe sends it again
