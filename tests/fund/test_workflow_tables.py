"""The fund's three workflow tables — a contribution's, a refund's and a dispute's — walked
whole: from every state, every target, by a fund administrator and by the payment provider (the
system): allowed exactly where the table says, and audited when it is."""

from __future__ import annotations

import pytest

from meetings.audit.services import entries_for
from meetings.auth.models import Role
from meetings.errors import DomainError
from meetings.extensions import db
from meetings.fund import contributions, disputes, refunds
from meetings.fund.models import (
    Contribution,
    ContributionStatus,
    Dispute,
    DisputeStatus,
    Refund,
    RefundStatus,
)
from meetings.money import Money
from tests.factories.auth import make_user
from tests.factories.fund import bank_transfer

ACTORS = ["fund administrator", "payment provider"]
KIND = {"fund administrator": "fund_administrator", "payment provider": "payment_provider"}


def _actor(who: str):
    return make_user(roles=[Role.FUND_ADMINISTRATOR]) if who == "fund administrator" else None


def _walk(workflow, table, record, source, who: str, name: str) -> None:
    actor = _actor(who)
    for target in type(source):
        savepoint = db.session.begin_nested()
        record.status = source
        db.session.flush()
        who_may = table.get((source, target), frozenset())
        allowed = (source, target) in table and (actor is None or KIND[who] in who_may)
        if allowed:
            workflow.move(actor, record, target, reason="because")
            assert record.status is target
            assert entries_for(record)[-1].action == f"{name}.{target.value}"
        else:
            with pytest.raises(DomainError):
                workflow.move(actor, record, target, reason="because")
        savepoint.rollback()


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("source", list(ContributionStatus))
def test_the_contribution_table(source: ContributionStatus, who: str) -> None:
    record = bank_transfer(amount=Money(10_000, "USD"))
    _walk(contributions.WORKFLOW, contributions.TRANSITIONS, record, source, who, "contribution")


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("source", list(RefundStatus))
def test_the_refund_table(source: RefundStatus, who: str) -> None:
    contribution = bank_transfer(amount=Money(10_000, "USD"))
    record = Refund(contribution_id=contribution.id, amount=Money(100, "USD"), reason="r")
    db.session.add(record)
    db.session.flush()
    _walk(refunds.WORKFLOW, refunds.TRANSITIONS, record, source, who, "refund")


@pytest.mark.parametrize("source", list(DisputeStatus))
def test_the_dispute_table(source: DisputeStatus) -> None:
    contribution: Contribution = bank_transfer(amount=Money(10_000, "USD"))
    record = Dispute(
        contribution_id=contribution.id, amount=Money(100, "USD"), status=source, reason=""
    )
    db.session.add(record)
    db.session.flush()
    _walk(disputes.WORKFLOW, disputes.TRANSITIONS, record, source, "payment provider", "dispute")


def test_every_state_of_each_table_can_be_reached() -> None:
    for table, start in (
        (contributions.TRANSITIONS, ContributionStatus.PENDING),
        (refunds.TRANSITIONS, RefundStatus.PENDING),
    ):
        reachable = {start}
        for _ in range(len(type(start))):
            reachable |= {target for source, target in table if source in reachable}
        assert reachable == set(type(start))
    first = {DisputeStatus.INQUIRY, DisputeStatus.OPEN}  # how Stripe reports a new dispute
    reachable = set(first)
    for _ in range(len(DisputeStatus)):
        reachable |= {target for source, target in disputes.TRANSITIONS if source in reachable}
    assert reachable == set(DisputeStatus)
