"""Giving by card: the Checkout Session we ask for, the webhook, fulfilment in any order,
refunds through the API, reconciliation."""

from __future__ import annotations

import itertools
import json
import logging
import re
import time

import pytest
import sqlalchemy as sa

from meetings.auth.models import Role
from meetings.extensions import db
from meetings.fund import ledger
from meetings.fund.models import (
    Contribution,
    ContributionStatus,
    EventOutcome,
    LedgerEntry,
    LedgerKind,
    Refund,
    RefundStatus,
    StripeEvent,
)
from meetings.fund.stripe_amounts import from_stripe, to_stripe
from meetings.money import Money
from tests.factories.fund import set_rates
from tests.support.stripe_server import StripeServer

TOKEN = "t" * 40


def _contribute(client, amount: str = "10.00", currency: str = "USD", token: str = TOKEN, **extra):
    data = {
        "amount": amount,
        "currency": currency,
        "name": "Ana Donor",
        "email": "ana@example.org",
        "token": token,
        **extra,
    }
    return client.submit("/fund/contribute", data)


def _contribution(token: str = TOKEN) -> Contribution:
    return db.session.scalars(
        sa.select(Contribution).where(Contribution.checkout_token == token)
    ).one()


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def _entries(contribution: Contribution) -> list[tuple[LedgerKind, int]]:
    return [
        (e.kind, e.usd_amount_minor)
        for e in db.session.scalars(
            sa.select(LedgerEntry)
            .where(LedgerEntry.contribution_id == contribution.id)
            .order_by(LedgerEntry.sequence)
        )
    ]


@pytest.fixture
def paid(client, stripe: StripeServer):
    """A USD 100.00 card contribution, paid at Stripe and confirmed by the webhook."""
    response = _contribute(client, "100.00")
    assert response.status_code == 303
    session_id = _contribution().stripe_checkout_session_id
    stripe.pay(session_id)
    assert stripe.deliver() == [200]
    return session_id


# --- checkout ------------------------------------------------------------------------------------


def test_the_session_we_open_carries_our_amount_currency_reference_and_idempotency_key(
    client, stripe: StripeServer
) -> None:
    response = _contribute(client, "10.00", "USD")
    contribution = _contribution()
    assert contribution.status is ContributionStatus.PENDING
    assert response.status_code == 303
    assert (
        response.headers["Location"]
        == f"{stripe.base_url}/checkout/{contribution.stripe_checkout_session_id}"
    )
    [request] = [r for r in stripe.requests if r.path == "/v1/checkout/sessions"]
    item = request.params["line_items"][0]
    assert item["price_data"] == {
        "currency": "usd",
        "unit_amount": "1000",
        "product_data": {"name": "Contribution to the voluntary sponsorship fund"},
    }
    assert request.params["client_reference_id"] == str(contribution.id)
    assert request.params["metadata"] == {"contribution": str(contribution.id)}
    assert request.params["payment_intent_data"]["metadata"] == {
        "contribution": str(contribution.id)
    }
    assert request.params["success_url"] == f"http://localhost/fund/thanks/{TOKEN}"
    assert request.headers["Idempotency-Key"] == f"checkout-{TOKEN}"


def test_a_double_submit_opens_one_session(client, stripe: StripeServer) -> None:
    first = _contribute(client)
    second = _contribute(client)
    assert first.headers["Location"] == second.headers["Location"]
    assert len(stripe.sessions) == 1
    assert _count(Contribution) == 1
    assert len([r for r in stripe.requests if r.path == "/v1/checkout/sessions"]) == 2


@pytest.mark.parametrize(
    ("amount", "currency", "unit_amount"),
    [("1500", "JPY", "1500"), ("12.340", "KWD", "12340"), ("10.50", "EUR", "1050")],
)
def test_amounts_reach_stripe_in_its_minor_units(
    client, stripe: StripeServer, amount: str, currency: str, unit_amount: str
) -> None:
    set_rates(db_today())
    assert _contribute(client, amount, currency).status_code == 303
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
        ("10", "GBP", "currency", "no operational rate"),
        ("10", "ZZZ", "currency", "Not a valid choice"),
    ],
)
def test_bad_amounts_are_refused_beside_the_field_and_nothing_is_written(
    client, stripe: StripeServer, amount: str, currency: str, field: str, message: str
) -> None:
    response = _contribute(client, amount, currency)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert f'id="{field}-error"' in html
    assert f'value="{amount}"' in html  # what was typed is kept
    assert _count(Contribution) == 0
    assert stripe.requests == []


def test_without_stripe_keys_the_page_offers_bank_transfer_and_no_card_form(client) -> None:
    html = client.get("/fund/contribute").get_data(as_text=True)
    assert "Give by bank transfer" in html
    assert "Continue to payment" not in html
    assert _contribute(client).status_code == 200
    assert _count(Contribution) == 0


# --- the webhook ---------------------------------------------------------------------------------


def _completed_event(stripe: StripeServer, session_id: str) -> dict:
    stripe.pay(session_id)
    event = stripe.queued.pop()
    return event


@pytest.mark.parametrize(
    "tamper",
    ["unsigned", "tampered", "stale", "wrong secret", "not json"],
)
def test_a_webhook_that_is_not_signed_by_stripe_is_refused_and_writes_nothing(
    client, stripe: StripeServer, tamper: str
) -> None:
    _contribute(client)
    event = _completed_event(stripe, _contribution().stripe_checkout_session_id)
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
    assert _count(StripeEvent) == 0
    assert _contribution().status is ContributionStatus.PENDING


def test_a_paid_session_is_received_once_with_one_ledger_entry_and_a_receipt(
    client, stripe: StripeServer, outbox
) -> None:
    _contribute(client, "100.00")
    contribution = _contribution()
    stripe.pay(contribution.stripe_checkout_session_id)
    assert stripe.deliver() == [200]
    db.session.refresh(contribution)
    assert contribution.status is ContributionStatus.RECEIVED
    assert contribution.stripe_payment_intent_id.startswith("pi_test_")
    assert _entries(contribution) == [(LedgerKind.CONTRIBUTION_RECEIVED, 10_000)]
    assert contribution.receipt_number is not None
    assert [m["To"] for m in outbox] == ["ana@example.org"]
    assert contribution.receipt_label in outbox[0]["Subject"]


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
    payload, headers = stripe.signed(event)
    with caplog.at_level(logging.WARNING):
        response = client.post("/fund/stripe/webhook", data=payload, headers=headers)
    assert response.status_code == 200
    assert response.json["outcome"] == "ignored"
    assert "no contribution of ours" in caplog.text


def test_events_we_do_not_need_are_answered_200(client, stripe: StripeServer) -> None:
    event = stripe.emit("customer.created", {"id": "cus_test_1", "object": "customer"})
    payload, headers = stripe.signed(event)
    response = client.post("/fund/stripe/webhook", data=payload, headers=headers)
    assert (response.status_code, response.json["outcome"]) == (200, "ignored")


def test_the_same_event_ten_times_is_applied_once(client, stripe: StripeServer) -> None:
    _contribute(client)
    event = _completed_event(stripe, _contribution().stripe_checkout_session_id)
    payload, headers = stripe.signed(event)
    for _ in range(10):
        assert client.post("/fund/stripe/webhook", data=payload, headers=headers).status_code == 200
    assert _count(StripeEvent) == 1
    assert _entries(_contribution()) == [(LedgerKind.CONTRIBUTION_RECEIVED, 1000)]


def test_a_test_mode_event_reaching_a_live_configuration_is_ignored_and_logged(
    app, client, stripe: StripeServer, monkeypatch, caplog
) -> None:
    _contribute(client)
    event = _completed_event(stripe, _contribution().stripe_checkout_session_id)
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "sk_live_not_really")
    payload, headers = stripe.signed(event)
    with caplog.at_level(logging.WARNING):
        response = client.post("/fund/stripe/webhook", data=payload, headers=headers)
    assert (response.status_code, response.json["outcome"]) == (200, "ignored")
    assert "test-mode event on a live configuration" in caplog.text
    assert _contribution().status is ContributionStatus.PENDING


def test_a_payment_of_other_figures_is_received_at_stripes_and_flagged(
    client, stripe: StripeServer
) -> None:
    _contribute(client, "100.00")
    stripe.pay(_contribution().stripe_checkout_session_id, amount=9_000)
    stripe.deliver()
    contribution = _contribution()
    assert contribution.status is ContributionStatus.RECEIVED
    assert contribution.amount == Money(9_000, "USD")
    assert contribution.mismatch == "We asked for $100.00; $90.00 was received."
    assert _entries(contribution) == [(LedgerKind.CONTRIBUTION_RECEIVED, 9_000)]


def test_an_async_payment_waits_then_succeeds_or_fails(client, stripe: StripeServer) -> None:
    _contribute(client, token="a" * 40)
    _contribute(client, token="b" * 40)
    first, second = _contribution("a" * 40), _contribution("b" * 40)
    for contribution in (first, second):
        stripe.pay(contribution.stripe_checkout_session_id, async_payment=True)
    stripe.deliver()
    assert _contribution("a" * 40).status is ContributionStatus.PENDING
    stripe.settle_async(first.stripe_checkout_session_id, succeeded=True)
    stripe.settle_async(second.stripe_checkout_session_id, succeeded=False)
    stripe.deliver()
    assert _contribution("a" * 40).status is ContributionStatus.RECEIVED
    assert _contribution("b" * 40).status is ContributionStatus.FAILED


def test_an_expired_checkout_is_recorded_as_not_paid(client, stripe: StripeServer) -> None:
    _contribute(client)
    stripe.expire(_contribution().stripe_checkout_session_id)
    stripe.deliver()
    assert _contribution().status is ContributionStatus.EXPIRED


# --- any order -----------------------------------------------------------------------------------


def _events_of_one_payment(client, stripe: StripeServer, *, won: bool) -> list[dict]:
    _contribute(client, "100.00")
    session_id = _contribution().stripe_checkout_session_id
    stripe.pay(session_id)
    stripe.refund(session_id, 2_500)
    dispute = stripe.dispute(session_id, 7_500)
    stripe.close_dispute(dispute["id"], won=won)
    events, stripe.queued = list(stripe.queued), []
    return events


@pytest.mark.parametrize("won", [False, True], ids=["lost", "won"])
@pytest.mark.parametrize("order", list(itertools.permutations(range(4))))
def test_every_order_of_a_payments_events_ends_in_the_same_state(
    client, stripe: StripeServer, order: tuple[int, ...], won: bool
) -> None:
    events = _events_of_one_payment(client, stripe, won=won)
    for index in order:
        payload, headers = stripe.signed(events[index])
        assert client.post("/fund/stripe/webhook", data=payload, headers=headers).status_code == 200
    contribution = _contribution()
    expected_status = ContributionStatus.PARTLY_REFUNDED if won else ContributionStatus.DISPUTE_LOST
    assert contribution.status is expected_status
    expected = [
        (LedgerKind.CONTRIBUTION_RECEIVED, 10_000),
        (LedgerKind.REFUND, 2_500),
        (LedgerKind.DISPUTE_WITHDRAWN, 7_500),
    ] + ([(LedgerKind.DISPUTE_REVERSED, 7_500)] if won else [])
    assert sorted(_entries(contribution)) == sorted(expected)
    assert ledger.balances().available == (7_500 if won else 0)


# --- refunds through the API ---------------------------------------------------------------------


def test_an_administrators_refund_goes_through_stripe_and_waits_for_its_event(
    client, login, stripe: StripeServer, paid
) -> None:
    login(Role.FUND_ADMINISTRATOR)
    contribution = _contribution()
    response = client.submit(
        f"/fund/contributions/{contribution.id}/refunds", {"amount": "40.00", "reason": "asked"}
    )
    assert response.status_code == 302
    refund = db.session.scalars(sa.select(Refund)).one()
    assert refund.status is RefundStatus.PENDING
    [request] = [r for r in stripe.requests if r.path == "/v1/refunds"]
    assert request.params["amount"] == "4000"
    assert request.params["payment_intent"] == contribution.stripe_payment_intent_id
    assert request.headers["Idempotency-Key"] == f"refund-{refund.id}"
    assert ledger.balances().refunded == 0  # not before Stripe confirms
    stripe.deliver()
    db.session.refresh(refund)
    assert refund.status is RefundStatus.SUCCEEDED
    assert _contribution().status is ContributionStatus.PARTLY_REFUNDED
    assert ledger.balances().refunded == 4_000


def test_a_refund_at_stripe_we_did_not_ask_for_is_booked_too(
    client, stripe: StripeServer, paid
) -> None:
    stripe.refund(paid)
    stripe.deliver()
    assert _contribution().status is ContributionStatus.REFUNDED
    assert ledger.balances().refunded == 10_000


# --- the pages around it -------------------------------------------------------------------------


def test_the_thank_you_page_reads_only_and_confirms_once_the_webhook_is_in(
    client, stripe: StripeServer, queries
) -> None:
    _contribute(client, "100.00")
    stripe.pay(_contribution().stripe_checkout_session_id)
    with queries() as counted:
        html = client.get(f"/fund/thanks/{TOKEN}").get_data(as_text=True)
    assert "Payment received, confirming" in html
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
    _contribute(client, "100.00")
    stripe.pay(_contribution().stripe_checkout_session_id)
    stripe.queued.clear()  # the webhook never reached us
    result = app.test_cli_runner().invoke(args=["fund", "reconcile"])
    assert result.exit_code == 0, result.output
    assert "Stripe events not processed before: 1" in result.output
    db.session.expire_all()
    assert _contribution().status is ContributionStatus.RECEIVED
    again = app.test_cli_runner().invoke(args=["fund", "reconcile"])
    assert "Stripe events not processed before: 0" in again.output
    assert _count(StripeEvent) == 1
    assert db.session.scalars(sa.select(StripeEvent)).one().outcome is EventOutcome.PROCESSED


def test_the_webhook_answers_500_in_json_when_it_cannot_process(
    client, stripe: StripeServer, monkeypatch
) -> None:
    from meetings.fund import fulfilment

    _contribute(client)
    event = _completed_event(stripe, _contribution().stripe_checkout_session_id)

    def broken(*_args):
        raise RuntimeError("database went away")

    monkeypatch.setitem(fulfilment.HANDLERS, "checkout.session.completed", broken)
    payload, headers = stripe.signed(event)
    response = client.post("/fund/stripe/webhook", data=payload, headers=headers)
    assert response.status_code == 500
    assert json.loads(response.data) == {"error": "could not process the event"}
    assert _count(StripeEvent) == 0  # not stored: Stripe sends it again
