"""Refunds while Stripe makes them: held back from the available balance from the moment they are
asked for, released if Stripe fails them, booked once when it confirms them — whatever events
Stripe sends, in whatever order, with the charge's refunds no longer sent with it."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from meetings.auth.models import Role
from meetings.errors import DomainError
from meetings.extensions import db
from meetings.fund import commitments, ledger, refunds
from meetings.fund.models import ContributionStatus, LedgerKind, Refund, RefundStatus
from meetings.money import Money
from tests.factories.auth import make_user
from tests.fund.helpers import contribute, contribution, entries, session_of, signed_post, usd
from tests.support.stripe_api import StripeServer

K = LedgerKind


@pytest.fixture
def feeless(stripe: StripeServer) -> StripeServer:
    """Stripe keeping no fee, so that the figures below are the issue's own."""
    stripe.fee_percent, stripe.fee_fixed = Decimal(0), 0
    return stripe


def _paid(client, stripe: StripeServer, amount: str = "100.00", token: str = "t" * 40):
    contribute(client, amount, token=token)
    stripe.pay(session_of(contribution(token)))
    assert stripe.deliver() == [200]
    return contribution(token)


def _admin():
    return make_user(roles=[Role.FUND_ADMINISTRATOR])


def _refund(found, amount: int, reason: str = "asked") -> Refund:
    refund = refunds.request_refund(_admin(), found, usd(amount), reason)
    refunds.send(refund)
    return refund


def test_a_pending_card_refund_can_no_longer_be_committed_to_an_award(
    client, feeless: StripeServer
) -> None:
    """USD 100 received, refunded in full (pending at Stripe): an award of 88.49 + 13 % finds
    nothing to commit; when Stripe confirms the refund the fund is at zero, not at −100."""
    feeless.refund_status = "pending"
    found = _paid(client, feeless)
    refund = _refund(found, 10_000)
    assert refund.status is RefundStatus.PENDING
    assert ledger.balances().available == usd(0)
    with pytest.raises(DomainError, match="available to commit"):
        commitments.commit(None, purpose="award", amount=usd(8_849), description="award")
    feeless.settle_refund(next(iter(feeless.refunds)))
    feeless.deliver()
    db.session.refresh(refund)
    assert refund.status is RefundStatus.SUCCEEDED
    balances = ledger.balances()
    assert (balances.available, balances.held, balances.refunded) == (usd(0), usd(0), usd(10_000))


def test_two_pending_refunds_cannot_each_pass_alone(client, feeless: StripeServer) -> None:
    feeless.refund_status = "pending"
    first = _paid(client, feeless, token="a" * 40)
    second = _paid(client, feeless, token="b" * 40)
    commitments.commit(None, purpose="award", amount=usd(10_000), description="award")
    assert ledger.balances().available == usd(20_000 - 11_300)
    _refund(first, 6_000)
    with pytest.raises(DomainError, match="uncovered"):
        refunds.request_refund(_admin(), second, usd(6_000), "asked too")
    assert ledger.balances().available == usd(8_700 - 6_000)


def test_a_refund_stripe_fails_gives_its_hold_back(client, feeless: StripeServer) -> None:
    feeless.refund_status = "pending"
    found = _paid(client, feeless)
    refund = _refund(found, 4_000)
    assert ledger.balances().available == usd(6_000)
    feeless.settle_refund(next(iter(feeless.refunds)), succeeded=False)
    # refund.created and charge.refunded (pending), then refund.failed
    assert feeless.deliver() == [200, 200, 200]
    db.session.refresh(refund)
    assert refund.status is RefundStatus.FAILED
    assert refund.failure_reason == "expired_or_canceled_card"
    assert ledger.balances().available == usd(10_000)
    assert contribution().status is ContributionStatus.RECEIVED
    assert sorted(entries(contribution(), K.REFUND_HELD, K.REFUND_HOLD_RELEASED)) == [
        (K.REFUND_HELD, 4_000),
        (K.REFUND_HOLD_RELEASED, 4_000),
    ]


def test_a_refund_pending_at_first_and_succeeding_later_is_booked_once(
    client, feeless: StripeServer
) -> None:
    feeless.refund_status = "pending"
    found = _paid(client, feeless)
    _refund(found, 2_500)
    feeless.deliver()  # refund.created and charge.refunded, both pending
    assert ledger.balances().refunded == usd(0)
    refund_id = next(iter(feeless.refunds))
    feeless.settle_refund(refund_id)
    updated = feeless.take()
    assert [e["type"] for e in updated] == ["refund.updated", "charge.refund.updated"]
    for event in updated * 2:  # each delivered twice
        assert signed_post(client, feeless, event).status_code == 200
    assert entries(contribution(), K.REFUND) == [(K.REFUND, 2_500)]
    assert contribution().status is ContributionStatus.PARTLY_REFUNDED


def test_a_refund_that_fails_after_it_succeeded_brings_the_money_back(
    client, feeless: StripeServer
) -> None:
    found = _paid(client, feeless)
    refund = _refund(found, 3_000)  # Stripe makes it at once
    assert refund.status is RefundStatus.SUCCEEDED
    assert ledger.balances().available == usd(7_000)
    feeless.settle_refund(next(iter(feeless.refunds)), succeeded=False)
    feeless.deliver()
    db.session.refresh(refund)
    assert refund.status is RefundStatus.FAILED
    assert entries(contribution(), K.REFUND_RETURNED) == [(K.REFUND_RETURNED, 3_000)]
    balances = ledger.balances()
    assert (balances.refunded, balances.available) == (usd(0), usd(10_000))
    assert contribution().status is ContributionStatus.RECEIVED


def test_charge_refunded_without_its_refunds_finds_the_administrators_refund(
    client, feeless: StripeServer
) -> None:
    """Since API version 2022-11-15 a charge does not carry its refunds: the refunds are asked
    for, and the administrator's pending refund is the one Stripe reports — not a second."""
    feeless.refund_status = "pending"
    found = _paid(client, feeless)
    refund = _refund(found, 4_000)
    events = feeless.take()
    charge_refunded = next(e for e in events if e["type"] == "charge.refunded")
    assert "refunds" not in charge_refunded["data"]["object"]
    assert signed_post(client, feeless, charge_refunded).status_code == 200
    assert any(r.path == "/v1/refunds" and r.method == "GET" for r in feeless.requests)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Refund)) == 1
    assert refunds.refundable(contribution()) == usd(6_000)
    feeless.settle_refund(next(iter(feeless.refunds)))
    feeless.deliver()
    db.session.refresh(refund)
    assert refund.status is RefundStatus.SUCCEEDED
    assert refunds.refundable(contribution()) == usd(6_000)
    assert ledger.balances().refunded == usd(4_000)


def test_a_refund_never_sent_can_be_withdrawn_and_its_hold_released(
    client, feeless: StripeServer, monkeypatch
) -> None:
    found = _paid(client, feeless)
    admin = _admin()
    refund = refunds.request_refund(admin, found, usd(5_000), "asked")
    assert ledger.balances().available == usd(5_000)
    with pytest.raises(DomainError):
        refunds.cancel(admin, refund, " ")
    refunds.cancel(admin, refund, "the donor changed their mind")
    assert refund.status is RefundStatus.CANCELED
    assert ledger.balances().available == usd(10_000)
    feeless.refund_status = "pending"
    sent = _refund(found, 1_000)
    with pytest.raises(DomainError, match="provider has this refund"):
        refunds.cancel(admin, sent, "too late")


def test_a_refunds_hold_covers_the_value_it_is_booked_at_whatever_the_rounding(
    client, stripe: StripeServer
) -> None:
    """Three refunds of a third each of JPY 1,000 valued at USD 9.41: each hold is at least
    what its refund is booked at, and the three together give back exactly 9.41."""
    from tests.factories.fund import bank_transfer, set_rates

    set_rates()
    found = bank_transfer(amount=Money(1_000, "JPY"))
    usd_value = found.usd_amount_minor
    admin = _admin()
    made = [
        refunds.request_refund(admin, found, Money(n, "JPY"), "thirds") for n in (333, 333, 334)
    ]
    assert all(r.held_usd_minor >= (r.usd_amount_minor or 0) for r in made)
    assert sum(r.usd_amount_minor or 0 for r in made) == usd_value
    assert ledger.balances().held == usd(0)
