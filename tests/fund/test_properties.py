"""A property of the whole fund: whatever happens, in whatever order, every balance is the sum of
its ledger entries, nothing the fund does takes the available money below zero, and only a
dispute (money Stripe takes back) can."""

from __future__ import annotations

import itertools
import time
from collections import defaultdict

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meetings.auth.models import Role
from meetings.errors import DomainError
from meetings.extensions import db
from meetings.fund import checkout, commitments, fulfilment, ledger
from meetings.fund.models import Contribution, LedgerEntry, LedgerKind
from meetings.money import Money
from tests.factories.auth import make_user
from tests.factories.fund import bank_transfer, make_donor

K = LedgerKind
_ids = itertools.count(1)

operation = st.one_of(
    st.tuples(st.just("transfer"), st.integers(1, 2_000_000)),
    st.tuples(st.just("card"), st.integers(50, 2_000_000)),
    st.tuples(st.just("refund"), st.integers(0, 20), st.integers(1, 100)),
    st.tuples(st.just("dispute"), st.integers(0, 20), st.booleans()),
    st.tuples(st.just("commit"), st.integers(1, 1_500_000)),
    st.tuples(st.just("release"), st.integers(0, 20)),
    st.tuples(st.just("disburse"), st.integers(0, 20), st.integers(1, 800_000)),
)


def _usd(minor: int) -> Money:
    return Money(minor, "USD")


def _event(kind: str, obj: dict) -> None:
    fulfilment.handle_event(
        {
            "id": f"evt_test_prop{next(_ids)}",
            "object": "event",
            "type": kind,
            "created": int(time.time()),
            "livemode": False,
            "data": {"object": obj},
        }
    )


def _card(amount: int) -> Contribution:
    number = next(_ids)
    contribution = checkout.pending_card_payment(
        None, make_donor(), _usd(amount), f"prop{number:036d}"
    )
    _event(
        "checkout.session.completed",
        {
            "id": f"cs_test_prop{number}",
            "object": "checkout.session",
            "amount_total": amount,
            "currency": "usd",
            "metadata": {"contribution": str(contribution.id)},
            "payment_intent": f"pi_test_prop{number}",
            "payment_status": "paid",
            "status": "complete",
        },
    )
    return contribution


def _dispute(contribution: Contribution, won: bool) -> None:
    number = next(_ids)
    dispute = {
        "id": f"dp_test_prop{number}",
        "object": "dispute",
        "amount": contribution.amount.amount,
        "currency": "usd",
        "charge": f"ch_test_prop{number}",
        "payment_intent": contribution.stripe_payment_intent_id,
        "status": "needs_response",
    }
    _event("charge.dispute.created", dispute)
    _event("charge.dispute.closed", {**dispute, "status": "won" if won else "lost"})


def _check_sums() -> ledger.Balances:
    sums: dict[LedgerKind, int] = defaultdict(int)
    for kind, amount in db.session.execute(
        sa.select(LedgerEntry.kind, LedgerEntry.usd_amount_minor)
    ):
        assert amount > 0
        sums[kind] += amount
    balances = ledger.balances()
    assert balances.received == sums[K.CONTRIBUTION_RECEIVED]
    assert balances.refunded == sums[K.REFUND]
    assert balances.disputed == sums[K.DISPUTE_WITHDRAWN] - sums[K.DISPUTE_REVERSED]
    assert balances.disbursed == sums[K.DISBURSEMENT]
    assert balances.support_costs == sums[K.SUPPORT_COST]
    assert balances.committed == (
        sums[K.AWARD_COMMITTED]
        - sums[K.COMMITMENT_RELEASED]
        - sums[K.DISBURSEMENT]
        - sums[K.SUPPORT_COST]
    )
    for name in ("received", "refunded", "disputed", "disbursed", "support_costs", "committed"):
        assert getattr(balances, name) >= 0, name
    return balances


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(operation, min_size=1, max_size=14))
def test_every_balance_is_its_entries_and_only_a_dispute_can_overdraw(app, operations) -> None:
    savepoint = db.session.begin_nested()
    try:
        admin = make_user(roles=[Role.FUND_ADMINISTRATOR])
        received: list[Contribution] = []
        cards: list[Contribution] = []
        promises: list = []
        for op in operations:
            before = ledger.balances().available
            entries_before = db.session.scalar(sa.select(sa.func.count()).select_from(LedgerEntry))
            step = db.session.begin_nested()
            try:
                if op[0] == "transfer":
                    received.append(bank_transfer(amount=_usd(op[1]), actor=admin))
                elif op[0] == "card":
                    card = _card(op[1])
                    received.append(card)
                    cards.append(card)
                elif op[0] == "refund" and received:
                    target = received[op[1] % len(received)]
                    part = max(1, target.amount.amount * op[2] // 100)
                    refunds.request_refund(admin, target, _usd(part), "property")
                elif op[0] == "dispute" and cards:
                    _dispute(cards[op[1] % len(cards)], op[2])
                elif op[0] == "commit":
                    promises.append(
                        commitments.commit(
                            admin, purpose=f"prop:{next(_ids)}", amount=_usd(op[1]), description="p"
                        )
                    )
                elif op[0] == "release" and promises:
                    commitments.release(admin, promises[op[1] % len(promises)], reason="property")
                elif op[0] == "disburse" and promises:
                    commitments.disburse(
                        admin, promises[op[1] % len(promises)], _usd(op[2]), description="property"
                    )
                step.commit()
            except DomainError:
                step.rollback()  # refused, as a request would be: nothing was booked
                count = db.session.scalar(sa.select(sa.func.count()).select_from(LedgerEntry))
                assert count == entries_before
            after = _check_sums().available
            if op[0] != "dispute":
                assert after >= min(before, 0), op
            if op[0] in ("commit", "disburse", "refund") and after != before:
                assert after >= 0, op
    finally:
        savepoint.rollback()
