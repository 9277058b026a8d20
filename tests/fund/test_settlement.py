"""What Stripe keeps and converts, and what disputes take and give back: booked from Stripe's own
balance transactions, so that the ledger's cash is Stripe's to the cent — and ``flask fund
reconcile`` says so, or says where it is not."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from meetings.extensions import db
from meetings.fund import ledger
from meetings.fund.models import ContributionStatus, Dispute, DisputeStatus, LedgerKind
from meetings.fund.stripe import reconcile
from meetings.money import Money
from tests.factories.fund import set_rates
from tests.fund.helpers import contribute, contribution, entries, session_of, signed_post, usd
from tests.support.stripe_api import StripeServer

K = LedgerKind


def _paid(client, stripe: StripeServer, amount: str = "100.00", currency: str = "USD"):
    assert contribute(client, amount, currency).status_code == 303
    stripe.pay(session_of(contribution()))
    assert stripe.deliver() == [200]
    return contribution()


def _today_rates() -> None:
    from meetings import clock

    set_rates(clock.now().date())  # EUR 0.8117 per US dollar


def test_a_gift_in_euros_is_booked_at_the_operational_rate_with_stripes_fee_and_conversion(
    client, stripe: StripeServer
) -> None:
    """EUR 100.00 is USD 123.20 at the operational rate (0.8117), what the donor gave and the
    receipt says; Stripe converted it at 1.2000 into USD 120.00 and kept 3.9 % + 0.30: the fund's
    cash is Stripe's net, USD 114.98."""
    _today_rates()
    stripe.usd_per["eur"] = Decimal("1.2000")
    found = _paid(client, stripe, "100.00", "EUR")
    assert found.usd == usd(12_320)
    assert sorted(entries(found)) == sorted(
        [
            (K.CONTRIBUTION_RECEIVED, 12_320),
            (K.PAYMENT_FEE, 468 + 30),
            (K.EXCHANGE_LOSS, 320),
        ]
    )
    balances = ledger.balances()
    assert balances.given == usd(12_320)
    assert balances.available == usd(12_000 - 498)
    [movement] = [m for m in stripe.transactions.values() if m["type"] == "charge"]
    assert balances.available == usd(movement["net"])


def test_the_receipt_states_the_gift_and_the_fund_page_shows_the_fees(
    client, login, stripe: StripeServer
) -> None:
    from meetings.auth.models import Role
    from tests.fund.helpers import TOKEN

    found = _paid(client, stripe)
    receipt = client.get(f"/fund/thanks/{TOKEN}/receipt").get_data(as_text=True)
    assert "$100.00" in receipt
    assert "$3.20" not in receipt
    login(Role.FUND_ADMINISTRATOR)
    page = client.get("/fund").get_data(as_text=True)
    assert "Kept by payment providers" in page
    assert "$3.20" in page
    detail = client.get(f"/fund/contributions/{found.id}").get_data(as_text=True)
    assert "Money moved at the payment provider" in detail
    assert "$96.80" in detail  # Stripe's net


def test_an_inquiry_that_closes_takes_and_freezes_nothing(client, stripe: StripeServer) -> None:
    found = _paid(client, stripe)
    before = ledger.balances().available
    dispute = stripe.dispute(session_of(found), inquiry=True)
    stripe.deliver()
    assert contribution().status is ContributionStatus.DISPUTED
    assert ledger.balances().available == before
    stripe.close_dispute(dispute["id"], won=True)  # Stripe: warning_closed
    stripe.deliver()
    assert contribution().status is ContributionStatus.RECEIVED
    assert ledger.balances().available == before
    assert entries(contribution(), K.DISPUTE_WITHDRAWN, K.DISPUTE_REVERSED) == []
    assert db.session.scalars(sa.select(Dispute)).one().status is DisputeStatus.CLOSED


@pytest.mark.parametrize("fee_returned", [False, True])
def test_a_chargeback_takes_the_money_and_its_fee_and_gives_the_money_back_when_won(
    client, stripe: StripeServer, fee_returned: bool
) -> None:
    stripe.dispute_fee_returned = fee_returned
    found = _paid(client, stripe)
    before = ledger.balances().available
    dispute = stripe.dispute(session_of(found))
    assert [e["type"] for e in stripe.queued] == [
        "charge.dispute.created",
        "charge.dispute.funds_withdrawn",
    ]
    stripe.deliver()
    assert ledger.balances().available == before - usd(10_000 + 1_500)
    stripe.close_dispute(dispute["id"], won=True)
    stripe.deliver()
    assert contribution().status is ContributionStatus.RECEIVED
    kept = 0 if fee_returned else 1_500
    assert ledger.balances().available == before - usd(kept)
    returned = entries(contribution(), K.PAYMENT_FEE_RETURNED)
    assert returned == ([(K.PAYMENT_FEE_RETURNED, 1_500)] if fee_returned else [])


def test_an_inquiry_that_becomes_a_chargeback_and_is_lost(client, stripe: StripeServer) -> None:
    found = _paid(client, stripe)
    before = ledger.balances().available
    dispute = stripe.dispute(session_of(found), inquiry=True)
    stripe.escalate(dispute["id"])
    stripe.close_dispute(dispute["id"], won=False)
    events = stripe.take()
    for event in reversed(events):  # the closing first, the inquiry last
        assert signed_post(client, stripe, event).status_code == 200
    assert contribution().status is ContributionStatus.DISPUTE_LOST
    assert ledger.balances().available == before - usd(10_000 + 1_500)
    assert ledger.balances().given == usd(0)


def test_reconcile_finds_our_figures_and_stripes_in_agreement(client, stripe: StripeServer) -> None:
    from meetings import clock

    _today_rates()
    _paid(client, stripe, "100.00", "EUR")
    stripe.refund(session_of(contribution()), 2_000)
    stripe.deliver()
    today = clock.now().date()
    comparison = reconcile.compare(today, today)
    assert comparison.agrees, reconcile.describe(comparison)
    assert comparison.stripe.net == comparison.ours.net
    assert usd(comparison.ledger_cash) == ledger.balances().given + ledger.balances().exchange


def test_reconcile_reports_a_movement_we_never_booked_and_one_whose_figures_differ(
    app, client, stripe: StripeServer
) -> None:
    found = _paid(client, stripe)
    charge_movement = next(t for t in stripe.transactions.values() if t["type"] == "charge")
    charge_movement["fee"] += 1  # Stripe's figure is not ours any more
    stripe._book("stripe_fee", "fee", -2_500, 0, "radar", None)  # a fee of Stripe's own
    result = app.test_cli_runner().invoke(args=["fund", "reconcile"])
    assert result.exit_code == 1
    assert "figures differ" in result.output
    assert "not booked by us: " in result.output
    assert "THEY DIFFER" in result.output
    assert found.status is ContributionStatus.RECEIVED


def test_a_movement_reported_twice_is_booked_once(client, stripe: StripeServer) -> None:
    found = _paid(client, stripe)
    charge = stripe.charge_for(session_of(found))
    event = stripe.emit("charge.updated", stripe.render_charge(charge, {"balance_transaction"}))
    stripe.take()
    for _ in range(3):
        assert signed_post(client, stripe, event).status_code == 200
    assert entries(contribution(), K.PAYMENT_FEE) == [(K.PAYMENT_FEE, 320)]
    assert Money(320, "USD") == ledger.balances().fees


def test_a_chargeback_lost_on_a_payment_refunded_in_part_never_takes_more_than_the_gift(
    client, stripe: StripeServer
) -> None:
    """Found by the state machine: USD 100 given, 25 refunded, then a chargeback of the whole
    100 — Stripe takes 100 while it is open and gives the 25 back when it is lost."""
    found = _paid(client, stripe)
    session_id = session_of(found)
    stripe.refund(session_id, 2_500)
    dispute = stripe.dispute(session_id)
    stripe.deliver()
    assert ledger.balances().given == usd(10_000 - 2_500 - 10_000)
    stripe.close_dispute(dispute["id"], won=False)
    assert [e["type"] for e in stripe.queued] == [
        "charge.dispute.funds_reinstated",
        "charge.dispute.closed",
    ]
    stripe.deliver()
    assert contribution().status is ContributionStatus.DISPUTE_LOST
    assert ledger.balances().given == usd(0)
    assert entries(contribution(), K.DISPUTE_REVERSED) == [(K.DISPUTE_REVERSED, 2_500)]
