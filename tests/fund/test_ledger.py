"""The ledger, the commit service, bank transfers, refunds and pledges: the fund's rules."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DatabaseError

from meetings.audit.services import entries_for
from meetings.auth.models import Role
from meetings.errors import DomainError, PermissionDenied
from meetings.extensions import db
from meetings.fund import commitments, contributions, ledger, pledges, rates, refunds
from meetings.fund.models import ContributionStatus, LedgerEntry, LedgerKind, PledgeStatus
from meetings.money import Money
from tests.factories.auth import make_user
from tests.factories.fund import VALUE_DATE, bank_transfer, commit, make_donor, set_rates

USD = "USD"


def usd(minor: int) -> Money:
    return Money(minor, USD)


def test_a_bank_transfer_in_euros_is_valued_at_the_rate_of_its_month_and_booked_once() -> None:
    set_rates()
    contribution = bank_transfer(amount=Money(811_700, "EUR"))  # EUR 8,117.00 at 0.8117/USD
    assert contribution.status is ContributionStatus.RECEIVED
    assert contribution.usd_amount_minor == 1_000_000
    assert contribution.units_per_usd == Decimal("0.8117")
    assert contribution.rate_date == date(2018, 3, 1)
    entries = db.session.scalars(
        sa.select(LedgerEntry).where(LedgerEntry.contribution_id == contribution.id)
    ).all()
    assert [(e.kind, e.usd_amount_minor, e.original) for e in entries] == [
        (LedgerKind.CONTRIBUTION_RECEIVED, 1_000_000, Money(811_700, "EUR"))
    ]
    assert ledger.balances().received == usd(1_000_000)
    # The rate is never recomputed: a corrected rate changes nothing already received.
    rates.set_rate(None, "EUR", VALUE_DATE, Decimal("0.9"))
    db.session.refresh(contribution)
    assert contribution.usd_amount_minor == 1_000_000


def test_receipts_are_numbered_without_gaps() -> None:
    numbers = [bank_transfer().receipt_number for _ in range(3)]
    assert numbers == list(range(numbers[0], numbers[0] + 3))
    assert numbers[0] == 1


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (Money(0, USD), "above zero"),
        (Money(-5, USD), "above zero"),
        (Money(600_000_000, USD), "more than"),
    ],
)
def test_zero_negative_and_absurd_amounts_are_refused_and_nothing_is_written(
    amount: Money, message: str
) -> None:
    set_rates()
    before = db.session.scalar(sa.select(sa.func.count()).select_from(LedgerEntry))
    with pytest.raises(DomainError, match=message) as caught:
        bank_transfer(amount=amount)
    assert caught.value.field == "amount"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LedgerEntry)) == before


def test_a_currency_without_a_rate_for_the_month_is_refused_beside_the_currency() -> None:
    set_rates()
    with pytest.raises(DomainError, match="no operational rate") as caught:
        bank_transfer(amount=Money(100_000, "GBP"))
    assert caught.value.field == "currency"


def test_a_bank_transfer_needs_the_banks_advice() -> None:
    set_rates()
    with pytest.raises(DomainError) as caught:
        contributions.record_bank_transfer(
            make_user(roles=[Role.FUND_ADMINISTRATOR]),
            make_donor(),
            contributions.BankTransfer(usd(100), VALUE_DATE, "REF"),
            None,
        )
    assert caught.value.field == "advice"


def test_only_a_fund_administrator_records_money() -> None:
    with pytest.raises(PermissionDenied):
        bank_transfer(actor=make_user(roles=[Role.SECRETARIAT]))


def test_committing_needs_money_received_plus_its_support_cost() -> None:
    bank_transfer(amount=usd(113_000))
    with pytest.raises(DomainError, match="available to commit") as caught:
        commit(100_001)  # 100,001 + 13,001 support cost > 113,000
    assert caught.value.field == "amount"
    commitment = commit(100_000)
    balances = ledger.balances()
    assert (balances.committed, balances.available) == (usd(113_000), usd(0))
    assert entries_for(commitment)[-1].action == "commitment.committed"


def test_a_pledge_is_never_money() -> None:
    donor = make_donor()
    pledges.record_pledge(None, donor, pledges.PledgeData(usd(5_000_000), date(2018, 1, 10)))
    assert ledger.balances().available == usd(0)
    with pytest.raises(DomainError):
        commit(100)


def test_disbursing_moves_money_from_committed_to_spent_with_its_support_cost() -> None:
    bank_transfer(amount=usd(1_000_000))
    commitment = commit(300_000)  # sets aside 339,000
    cost = commitments.disburse(None, commitment, usd(100_000), description="ticket")
    assert cost == usd(13_000)
    balances = ledger.balances()
    assert (balances.disbursed, balances.support_costs) == (usd(100_000), usd(13_000))
    assert balances.committed == usd(339_000 - 113_000)
    assert balances.available == usd(1_000_000 - 339_000)
    with pytest.raises(DomainError, match="commit the difference"):
        commitments.disburse(None, commitment, usd(200_001), description="DSA")
    released = commitments.release(None, commitment, reason="settled")
    assert released == usd(226_000)
    assert ledger.balances().available == usd(1_000_000 - 113_000)
    assert commitments.outstanding(commitment) == usd(0)


def test_support_costs_of_many_disbursements_never_exceed_what_was_set_aside() -> None:
    bank_transfer(amount=usd(1_000_000))
    commitment = commit(1_001)  # 1,001 + ceil(130.13) = 1,132
    for part in (333, 333, 335):
        commitments.disburse(None, commitment, usd(part), description="instalment")
    assert commitments.outstanding(commitment).amount >= 0
    assert ledger.balances().support_costs == usd(130)  # 13 % of 1,001, rounded once


def test_a_refund_of_a_bank_transfer_is_booked_at_the_rate_it_was_received() -> None:
    set_rates()
    fund_admin = make_user(roles=[Role.FUND_ADMINISTRATOR])
    contribution = bank_transfer(amount=Money(811_700, "EUR"))
    refunds.request_refund(fund_admin, contribution, Money(405_850, "EUR"), "overpaid")
    assert contribution.status is ContributionStatus.PARTLY_REFUNDED
    refunds.request_refund(fund_admin, contribution, Money(405_850, "EUR"), "returned")
    assert contribution.status is ContributionStatus.REFUNDED
    balances = ledger.balances()
    assert balances.refunded == usd(1_000_000)
    assert balances.available == usd(0)
    with pytest.raises(DomainError, match="Only money received"):
        refunds.request_refund(fund_admin, contribution, Money(1, "EUR"), "more")


def test_a_refund_that_would_uncover_commitments_is_refused() -> None:
    fund_admin = make_user(roles=[Role.FUND_ADMINISTRATOR])
    contribution = bank_transfer(amount=usd(113_000))
    commit(100_000)
    with pytest.raises(DomainError, match="uncovered"):
        refunds.request_refund(fund_admin, contribution, usd(1), "mistake")


def test_a_pledge_is_paid_by_the_contributions_linked_to_it() -> None:
    donor = make_donor()
    set_rates()
    pledge = pledges.record_pledge(
        None, donor, pledges.PledgeData(Money(1_000_000, "EUR"), date(2018, 1, 10))
    )
    assert pledges.pledge_row(pledge).status is PledgeStatus.PLEDGED
    bank_transfer(donor, Money(400_000, "EUR"), pledge_id=pledge.id)
    row = pledges.pledge_row(pledge)
    assert (row.status, row.paid, row.outstanding) == (
        PledgeStatus.PARTLY_PAID,
        Money(400_000, "EUR"),
        Money(600_000, "EUR"),
    )
    bank_transfer(donor, Money(600_000, "EUR"), pledge_id=pledge.id)
    assert pledges.pledge_row(pledge).status is PledgeStatus.PAID
    with pytest.raises(DomainError, match="same currency"):
        bank_transfer(donor, usd(100), pledge_id=pledge.id)


def test_a_cancelled_pledge_says_why() -> None:
    fund_admin = make_user(roles=[Role.FUND_ADMINISTRATOR])
    pledge = pledges.record_pledge(
        None, make_donor(), pledges.PledgeData(usd(100_000), date(2018, 1, 10))
    )
    with pytest.raises(DomainError):
        pledges.cancel_pledge(fund_admin, pledge, "  ")
    pledges.cancel_pledge(fund_admin, pledge, "Budget cut")
    assert pledges.pledge_row(pledge).status is PledgeStatus.CANCELLED


@pytest.mark.parametrize(
    "statement", ["UPDATE ledger_entry SET usd_amount_minor = 1", "DELETE FROM ledger_entry"]
)
def test_the_database_refuses_to_change_or_remove_a_ledger_entry(statement: str) -> None:
    bank_transfer()
    with pytest.raises(DatabaseError, match="append-only"), db.session.begin_nested():
        db.session.execute(sa.text(statement))


def test_every_balance_is_the_sum_of_its_entries() -> None:
    fund_admin = make_user(roles=[Role.FUND_ADMINISTRATOR])
    contribution = bank_transfer(amount=usd(500_000))
    commitment = commit(100_000)
    commitments.disburse(None, commitment, usd(50_000), description="ticket")
    refunds.request_refund(fund_admin, contribution, usd(10_000), "overpaid")
    sums = {
        kind: int(total)  # PostgreSQL sums a bigint column as numeric
        for kind, total in db.session.execute(
            sa.select(LedgerEntry.kind, sa.func.sum(LedgerEntry.usd_amount_minor)).group_by(
                LedgerEntry.kind
            )
        ).all()
    }
    balances = ledger.balances()
    assert balances.received == usd(sums[LedgerKind.CONTRIBUTION_RECEIVED]) == usd(500_000)
    assert balances.refunded == usd(sums[LedgerKind.REFUND]) == usd(10_000)
    assert balances.disbursed == usd(sums[LedgerKind.DISBURSEMENT]) == usd(50_000)
    assert balances.support_costs == usd(sums[LedgerKind.SUPPORT_COST]) == usd(6_500)
    # The bank's refund was held and released in the same moment: nothing is held now.
    assert sums[LedgerKind.REFUND_HELD] == sums[LedgerKind.REFUND_HOLD_RELEASED] == 10_000
    assert balances.held == usd(0)
    assert balances.committed == usd(113_000 - 50_000 - 6_500)
    assert balances.available == usd(500_000 - 10_000 - 113_000)
