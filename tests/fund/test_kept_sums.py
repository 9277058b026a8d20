"""The fund page's sums over the whole ledger (by month, by donor) are kept in the process while
the ledger is unchanged: the ledger is append-only and its writers take turns, so its last entry
names all of it. A new entry, written by this process or another, is seen on the next read."""

from __future__ import annotations

from pathlib import Path

import pytest

from meetings.extensions import db
from meetings.fund.queries import given_by_donor, months
from meetings.money import Money
from tests.conftest import make_app
from tests.factories.fund import bank_transfer, make_donor


def _received(rows) -> int:
    return sum(row.received.amount for row in rows)


def test_kept_sums_cost_one_lookup_until_a_new_entry(app, queries) -> None:
    donor = make_donor(name="Norway")
    bank_transfer(donor, Money(500_000, "USD"))
    db.session.commit()
    assert _received(months()) == 500_000
    with queries() as counted:
        assert _received(months()) == 500_000
    assert counted.count == 1  # the ledger's head
    bank_transfer(donor, Money(250_000, "USD"))
    db.session.commit()
    assert _received(months()) == 750_000
    assert [(t.donor.name, t.given.amount, t.contributions) for t in given_by_donor()] == [
        ("Norway", 750_000, 2)
    ]


def test_a_donor_renamed_is_shown_by_its_new_name(app) -> None:
    donor = make_donor(name="Old name")
    bank_transfer(donor, Money(100_000, "USD"))
    db.session.commit()
    assert given_by_donor()[0].donor.name == "Old name"
    donor.name = "New name"  # the kept totals hold the donor's id, not the donor
    db.session.commit()
    assert given_by_donor()[0].donor.name == "New name"


def test_largest_first_then_by_name(app) -> None:
    for name, amount in (("B", 100_000), ("A", 100_000), ("C", 300_000)):
        bank_transfer(make_donor(name=name), Money(amount, "USD"))
    db.session.commit()
    assert [t.donor.name for t in given_by_donor()] == ["C", "A", "B"]


@pytest.mark.concurrency
def test_an_entry_written_by_another_worker_is_seen_at_once(committed, database_url) -> None:
    bank_transfer(amount=Money(100_000, "USD"))
    db.session.commit()
    other = make_app(database_url, Path(committed.instance_path))
    with other.app_context():
        assert _received(months()) == 100_000  # kept in that worker
        db.session.remove()
    bank_transfer(amount=Money(40_000, "USD"))
    db.session.commit()
    with other.app_context():
        seen = _received(months())
        db.session.remove()
        db.engine.dispose()
    assert seen == 140_000
