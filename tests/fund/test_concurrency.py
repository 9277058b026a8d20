"""The fund under concurrent writers, with real threads, connections and commits."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable

import pytest
import sqlalchemy as sa
import stripe

from meetings.extensions import db
from meetings.fund import checkout, commitments, ledger, refunds
from meetings.fund.models import Contribution, ContributionStatus, LedgerEntry, PaymentEvent
from meetings.money import Money
from tests.factories.fund import bank_transfer, make_donor
from tests.support.concurrency import race

pytestmark = pytest.mark.concurrency
SECRET = "whsec_concurrency_test"


def _count(model, *conditions) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*conditions)) or 0


def test_two_commitments_for_more_than_is_left_exactly_one_succeeds(committed) -> None:
    bank_transfer(amount=Money(200_000, "USD"))
    db.session.commit()

    def offer(purpose: str) -> Callable[[], None]:
        return lambda: (
            commitments.commit(
                None, purpose=purpose, amount=Money(150_000, "USD"), description="award"
            )
            and None
        )

    outcomes = race(committed, [offer("race:a"), offer("race:b")])
    assert outcomes.count("ok") == 1, outcomes
    assert "available to commit" in next(o for o in outcomes if o != "ok")
    db.session.expire_all()
    assert ledger.balances().available == Money(200_000 - 169_500, "USD")
    sequences = db.session.scalars(
        sa.select(LedgerEntry.sequence).order_by(LedgerEntry.sequence)
    ).all()
    assert sequences == list(range(1, len(sequences) + 1))


def test_the_same_event_delivered_ten_times_eight_at_once_is_applied_once(
    committed, monkeypatch
) -> None:
    app = committed
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "sk_test_concurrency")
    monkeypatch.setitem(app.config, "STRIPE_WEBHOOK_SECRET", SECRET)
    contribution = checkout.pending_card_payment(None, make_donor(), Money(5_000, "USD"), "c" * 40)
    contribution.stripe_checkout_session_id = "cs_test_concurrency"
    db.session.commit()
    session = {
        "id": "cs_test_concurrency",
        "object": "checkout.session",
        "amount_total": 5_000,
        "currency": "usd",
        "client_reference_id": str(contribution.id),
        "metadata": {"contribution": str(contribution.id)},
        "payment_intent": "pi_test_concurrency",
        "payment_status": "paid",
        "status": "complete",
    }
    event = {
        "id": "evt_test_concurrency",
        "object": "event",
        "type": "checkout.session.completed",
        "created": int(time.time()),
        "livemode": False,
        "data": {"object": session},
    }
    payload = json.dumps(event)
    statuses: list[int] = []
    lock = threading.Lock()
    barrier = threading.Barrier(8)

    def deliver(wait: bool) -> None:
        headers = {
            "Stripe-Signature": stripe.WebhookSignature.generate_signature_header(payload, SECRET)
        }
        client = app.test_client()
        if wait:
            barrier.wait()
        status = client.post("/fund/stripe/webhook", data=payload, headers=headers).status_code
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=deliver, args=(True,)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    deliver(False)
    deliver(False)
    assert statuses == [200] * 10
    db.session.expire_all()
    assert _count(PaymentEvent) == 1
    assert _count(LedgerEntry, LedgerEntry.contribution_id == contribution.id) == 1
    assert db.session.get(Contribution, contribution.id).status is ContributionStatus.RECEIVED


def test_two_administrators_refunding_the_last_of_a_contribution_refund_it_once(committed) -> None:
    from meetings.auth.models import Role
    from tests.factories.auth import make_user

    admins = [make_user(roles=[Role.FUND_ADMINISTRATOR]) for _ in range(2)]
    contribution = bank_transfer(amount=Money(10_000, "USD"))
    db.session.commit()

    def refund(user_id: int) -> Callable[[], None]:
        def action() -> None:
            from meetings.auth.models import User

            refunds.request_refund(
                db.session.get(User, user_id),
                db.session.get(Contribution, contribution.id),
                Money(10_000, "USD"),
                "returned",
            )

        return action

    outcomes = race(committed, [refund(a.id) for a in admins])
    assert outcomes.count("ok") == 1, outcomes
    db.session.expire_all()
    assert ledger.balances().refunded == Money(10_000, "USD")
