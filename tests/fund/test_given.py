"""One definition of "given" — what donors gave, net of refunds and lost disputes — used by the
yearly statements, the public page, the fund's chart and table, and the donors' totals: they
agree with one another and with the ledger, whatever happened."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meetings import clock
from meetings.auth.models import Role
from meetings.extensions import db
from meetings.fund import ledger, queries, receipts, refunds
from meetings.money import Money
from tests.factories.auth import make_user
from tests.factories.fund import bank_transfer, make_donor

_names = itertools.count(1)


def usd(minor: int) -> Money:
    return Money(minor, "USD")


def test_a_statement_counts_what_stayed_given_not_what_was_refunded() -> None:
    """A gift of March 2018, refunded in part in February 2019: 2018's statement shows the
    gift, 2019's the refund, and together they are what the donor gave — the same figure as the
    donor's total everywhere else."""
    admin = make_user(roles=[Role.FUND_ADMINISTRATOR])
    donor = make_donor()
    gift = bank_transfer(donor, usd(100_000), value_date=date(2018, 3, 15), actor=admin)
    with clock.standing_at(datetime(2019, 2, 1, 12, tzinfo=UTC)):
        refunds.request_refund(admin, gift, usd(40_000), "paid twice")
    first = receipts.statement(admin, donor.id, 2018)
    second = receipts.statement(admin, donor.id, 2019)
    assert (first.received, first.returned, first.total) == (usd(100_000), usd(0), usd(100_000))
    assert (second.received, second.returned, second.total) == (usd(0), usd(40_000), usd(-40_000))
    [total] = queries.given_by_donor(queries.Contribution.donor_id == donor.id)
    assert first.total + second.total == total.given == usd(60_000)


def test_the_public_pages_given_is_the_sum_of_its_donors_and_refunds_show_by_month(
    client,
) -> None:
    admin = make_user(roles=[Role.FUND_ADMINISTRATOR])
    gift = bank_transfer(make_donor(name="Named Foundation"), usd(300_000), actor=admin)
    bank_transfer(make_donor(name="Other"), usd(200_000), actor=admin)
    refunds.request_refund(admin, gift, usd(50_000), "asked")
    db.session.commit()
    fund = queries.public_fund()
    assert fund.given == sum((t.given for t in fund.named), usd(0)) == usd(450_000)
    months = queries.months()
    assert sum((m.given for m in months), usd(0)) == usd(450_000)
    assert sum((m.returned for m in months), usd(0)) == usd(50_000)
    html = client.get("/fund/public").get_data(as_text=True)
    assert "$4,500.00" in html  # given, and the named donor's $2,500.00
    assert "$2,500.00" in html


operation = st.one_of(
    st.tuples(st.just("gift"), st.integers(0, 3), st.integers(1, 500_000), st.integers(0, 2)),
    st.tuples(st.just("refund"), st.integers(0, 30), st.integers(1, 100)),
)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(operation, min_size=1, max_size=10))
def test_statements_donors_months_and_the_public_page_agree(app, operations) -> None:
    savepoint = db.session.begin_nested()
    try:
        admin = make_user(roles=[Role.FUND_ADMINISTRATOR])
        donors = [make_donor(name=f"Donor {next(_names)}") for _ in range(4)]
        gifts = []
        for op in operations:
            if op[0] == "gift":
                day = date(2016 + op[3], 3, 15)
                gifts.append(bank_transfer(donors[op[1]], usd(op[2]), value_date=day, actor=admin))
            elif gifts:
                target = gifts[op[1] % len(gifts)]
                left = refunds.refundable(target).amount
                if left > 0:
                    part = max(1, left * op[2] // 100)
                    refunds.request_refund(admin, target, usd(part), "asked")
        ledger.forget_kept_sums()
        whole = ledger.balances().given
        totals = {t.donor.id: t.given for t in queries.given_by_donor()}
        assert sum(totals.values(), usd(0)) == whole
        assert queries.public_fund().given == whole
        months = queries.months()
        assert sum((m.given for m in months), usd(0)) == whole
        assert (months[-1].given_to_date if months else usd(0)) == whole
        years = range(2016, datetime.now(UTC).year + 1)
        for donor in donors:
            by_year = sum(
                (receipts.statement(admin, donor.id, year).total for year in years), usd(0)
            )
            assert by_year == totals.get(donor.id, usd(0))
    finally:
        savepoint.rollback()
        db.session.expunge_all()
        ledger.forget_kept_sums()
