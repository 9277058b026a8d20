"""The ledger's page names an award's State and meeting, and a government donor, in the
reader's language (the description as recorded stays beside it)."""

from __future__ import annotations

from meetings.auth.models import Role
from meetings.extensions import db
from meetings.fund.models import DonorKind
from meetings.money import Money
from tests.factories.fund import bank_transfer, make_donor
from tests.factories.sponsorship import applicant, apply, make_call, offered


def test_the_ledger_names_donors_and_awards_in_the_reader_s_language(client, login) -> None:
    germany = make_donor(DonorKind.GOVERNMENT, state="DE")
    bank_transfer(germany, amount=Money(10_000_000, "USD"))
    call = make_call()
    offered(apply(call, applicant(call.meetings[0], "SL")))
    db.session.commit()
    login(Role.FUND_ADMINISTRATOR)
    client.submit("/language", {"language": "fr", "next": "/"})
    html = client.get("/fund/ledger").get_data(as_text=True)
    assert "Allemagne" in html
    assert "Sierra Leone — " in html
    english = client.submit("/language", {"language": "en", "next": "/fund/ledger"})
    html = client.get(english.headers["Location"]).get_data(as_text=True)
    assert "Germany" in html
