"""The ledger's page says what each entry concerns in the reader's language: the donor (a
government by its State's name) and, for an award, the State and the meeting; the description
as recorded stays beside it."""

from __future__ import annotations

from meetings.auth.models import Role
from meetings.extensions import db
from meetings.money import Money
from tests.factories.fund import bank_transfer, make_donor


def test_the_ledger_page_asks_the_same_queries_for_many_entries(client, login, queries) -> None:
    def page_queries() -> int:
        with queries() as counted:
            client.get("/fund/ledger")
        return counted.count

    login(Role.FUND_ADMINISTRATOR)
    for _ in range(2):
        bank_transfer(make_donor(), amount=Money(100_000, "USD"))
    db.session.commit()
    few = page_queries()
    for _ in range(20):
        bank_transfer(make_donor(), amount=Money(100_000, "USD"))
    db.session.commit()
    assert page_queries() == few
