"""The fund's pages: who may see what, forms with bad input, the chart, the public page, and
query counts that do not grow with the number of contributions."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
import sqlalchemy as sa

from meetings.auth.models import Role
from meetings.extensions import db
from meetings.fund import donors
from meetings.fund.models import Contribution, ExchangeRate, LedgerEntry, Pledge
from meetings.money import Money
from meetings.reference.services import state_by_code
from tests.factories.auth import make_user
from tests.factories.fund import (
    VALUE_DATE,
    bank_transfer,
    bulk_contributions,
    make_donor,
    set_rates,
)
from tests.factories.registration import PDF
from tests.support import form_errors

MANAGE_PAGES = [
    "/fund",
    "/fund/donors",
    "/fund/pledges",
    "/fund/contributions",
    "/fund/rates",
    "/fund/ledger",
    "/fund/events",
    "/fund/chart.svg",
]


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (None, 302),
        (Role.DELEGATE, 403),
        (Role.FOCAL_POINT, 403),
        (Role.SECRETARIAT, 403),
        (Role.DONOR, 403),
        (Role.FUND_ADMINISTRATOR, 200),
        (Role.ADMIN, 200),
    ],
)
def test_only_fund_administrators_see_the_fund_pages(client, login, role, expected) -> None:
    bank_transfer()
    db.session.commit()
    if role is not None:
        login(role, state=state_by_code("SL") if role is Role.FOCAL_POINT else None)
    for url in MANAGE_PAGES:
        response = client.get(url)
        assert response.status_code == expected, url
        if expected == 302:
            assert "/login" in response.headers["Location"]


def test_the_fund_page_shows_balances_chart_and_table(client, login) -> None:
    set_rates()
    bank_transfer(make_donor(name="Kingdom Donor"), Money(811_700, "EUR"))
    db.session.commit()
    login(Role.FUND_ADMINISTRATOR)
    html = client.get("/fund").get_data(as_text=True)
    assert "Available for new awards" in html
    assert "$10,000.00" in html
    assert 'src="/fund/chart.svg"' in html
    assert "Mar 2018" in html  # the table beside the chart
    assert "Kingdom Donor" in html
    chart = client.get("/fund/chart.svg")
    assert chart.mimetype == "image/svg+xml"
    svg = chart.get_data(as_text=True)
    assert "<script" not in svg
    assert "Given" in svg
    assert "default-src 'none'" in chart.headers["Content-Security-Policy"]


def test_a_donor_sees_only_its_own_contributions_and_receipts(client, login) -> None:
    norway = donors.get_or_create_government(state_by_code("NO"))
    other = make_donor(name="Someone Else")
    mine = bank_transfer(norway)
    theirs = bank_transfer(other)
    user = make_user(roles=[Role.DONOR])
    donors.link_account(make_user(roles=[Role.FUND_ADMINISTRATOR]), norway, user.email)
    db.session.commit()
    login(user)
    html = client.get("/fund/my").get_data(as_text=True)
    assert mine.receipt_label in html
    assert theirs.receipt_label not in html
    assert client.get(f"/fund/receipts/{mine.id}").status_code == 200
    assert client.get(f"/fund/receipts/{theirs.id}").status_code == 404
    assert client.get(f"/fund/receipts/{theirs.id}.pdf").status_code == 404
    pdf = client.get(f"/fund/receipts/{mine.id}.pdf")
    assert pdf.data.startswith(b"%PDF-")
    assert pdf.headers["Cache-Control"] == "private, no-store"
    year = VALUE_DATE.year
    assert client.get(f"/fund/statements/{norway.id}/{year}").status_code == 200
    assert client.get(f"/fund/statements/{other.id}/{year}").status_code == 404
    assert client.get(f"/fund/statements/{norway.id}/{year}.pdf").data.startswith(b"%PDF-")


def test_a_delegate_has_no_receipts_to_see(client, login) -> None:
    contribution = bank_transfer()
    db.session.commit()
    login(Role.DELEGATE)
    assert client.get(f"/fund/receipts/{contribution.id}").status_code == 404
    assert "does not act for a donor" in client.get("/fund/my").get_data(as_text=True)


def test_the_public_page_names_donors_but_never_an_anonymous_one(client) -> None:
    bank_transfer(make_donor(name="Named Foundation"), Money(300_000, "USD"))
    bank_transfer(make_donor(name="Quiet Giver", anonymous=True), Money(200_000, "USD"))
    db.session.commit()
    html = client.get("/fund/public").get_data(as_text=True)
    assert "Named Foundation" in html
    assert "Quiet Giver" not in html
    assert "1 anonymous donor" in html
    assert "$5,000.00" in html  # received in all


def _transfer_form(**changes):
    """The transfer form's fields (prefixed: it shares the donor's page with the pledge form)."""
    data = {
        "amount": "1,000.00",
        "currency": "USD",
        "value_date": "2018-03-15",
        "reference": "REF-1",
        "pledge_id": "",
        "advice": (io.BytesIO(PDF), "advice.pdf"),
    }
    data.update(changes)
    return {f"transfer-{name}": value for name, value in data.items()}


def test_a_fund_administrator_records_a_bank_transfer_with_its_advice(client, login) -> None:
    donor = make_donor()
    db.session.commit()
    login(Role.FUND_ADMINISTRATOR)
    response = client.submit(f"/fund/donors/{donor.id}/transfers", _transfer_form())
    assert response.status_code == 302
    contribution = db.session.scalars(sa.select(Contribution)).one()
    assert contribution.amount == Money(100_000, "USD")
    advice = client.get(f"/fund/contributions/{contribution.id}/advice")
    assert advice.data == PDF
    advice.close()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"advice": None}, "advice", "Attach the bank"),
        ({"amount": "0"}, "amount", "above zero"),
        ({"amount": "12.345"}, "amount", "at most 2 decimals"),
        ({"amount": "99999999999"}, "amount", "more than"),
        ({"currency": "GBP"}, "currency", "no operational rate"),
        ({"value_date": "2099-01-01"}, "value_date", "cannot be in the future"),
    ],
)
def test_a_bad_bank_transfer_is_refused_beside_its_field_and_nothing_is_written(
    client, login, changes, field, message
) -> None:
    donor = make_donor()
    db.session.commit()
    login(Role.FUND_ADMINISTRATOR)
    data = {k: v for k, v in _transfer_form(**changes).items() if v is not None}
    response = client.submit(f"/fund/donors/{donor.id}/transfers", data)
    assert response.status_code == 422
    assert any(message in error for error in form_errors(response)), form_errors(response)
    assert f'id="transfer-{field}-error"' in response.get_data(as_text=True)
    if field == "currency":  # where to enter the missing rate
        assert 'href="/fund/rates"' in response.get_data(as_text=True)
    assert _count(Contribution) == 0
    assert _count(LedgerEntry) == 0


def test_pledges_are_recorded_and_cancelled_with_a_reason(client, login) -> None:
    donor = make_donor()
    db.session.commit()
    login(Role.FUND_ADMINISTRATOR)
    response = client.submit(
        f"/fund/donors/{donor.id}/pledges",
        {
            "amount": "50,000",
            "currency": "EUR",
            "pledged_on": "2018-01-10",
            "earmark": "",
            "note": "",
        },
    )
    assert response.status_code == 302
    pledge = db.session.scalars(sa.select(Pledge)).one()
    assert pledge.amount == Money(5_000_000, "EUR")
    assert client.submit(f"/fund/pledges/{pledge.id}/cancel", {"reason": ""}).status_code == 302
    db.session.refresh(pledge)
    assert pledge.cancelled_at is None
    client.submit(f"/fund/pledges/{pledge.id}/cancel", {"reason": "Budget cut"})
    db.session.refresh(pledge)
    assert pledge.cancellation_reason == "Budget cut"


def test_the_same_pledge_twice_is_asked_about_and_the_pledge_list_reads_as_words(
    client, login
) -> None:
    donor = make_donor()
    db.session.commit()
    login(Role.FUND_ADMINISTRATOR)
    form = {"amount": "50,000", "currency": "EUR", "pledged_on": "2018-01-10", "earmark": ""}
    assert client.submit(f"/fund/donors/{donor.id}/pledges", form).status_code == 302
    again = client.submit(f"/fund/donors/{donor.id}/pledges", {**form, "pledged_on": "2018-01-12"})
    assert again.status_code == 422
    html = again.get_data(as_text=True)
    assert 'id="another-error"' in html
    assert "is recorded already" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Pledge)) == 1
    another = {**form, "pledged_on": "2018-01-12", "another": "y"}
    assert client.submit(f"/fund/donors/{donor.id}/pledges", another).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Pledge)) == 2
    page = client.get(f"/fund/donors/{donor.id}").get_data(as_text=True)
    assert "Jan 10, 2018 — €50,000.00" in page  # the transfer form's pledges, in words


def test_a_rates_file_with_bad_rows_reports_every_one_and_imports_nothing(client, login) -> None:
    login(Role.FUND_ADMINISTRATOR)
    text = (
        "currency,month,units_per_usd\n"
        "EUR,2018-06,0.857\nXYZ,2018-06,1\nCHF,2018-13,0.99\nJPY,2018-06,-4\n"
    )
    response = client.submit(
        "/fund/rates/import", {"file": (io.BytesIO(text.encode()), "rates.csv")}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    problems = re.findall(r"<li>(Line \d+: [^<]*)</li>", html)
    assert [p[:7] for p in problems] == ["Line 3:", "Line 4:", "Line 5:"]
    assert "XYZ" in problems[0]
    assert "month like 2018-06" in problems[1]
    assert "positive number" in problems[2]
    assert _count(ExchangeRate) == 0
    good = "currency;month;units_per_usd\nEUR;2018-06;0,857\n"  # Excel in French settings
    response = client.submit(
        "/fund/rates/import", {"file": (io.BytesIO(good.encode("utf-8-sig")), "rates.csv")}
    )
    assert response.status_code == 302
    assert _count(ExchangeRate) == 1


def test_the_fund_page_and_a_statement_use_the_same_queries_for_10_and_10000_contributions(
    client, login, queries
) -> None:
    login(Role.FUND_ADMINISTRATOR)
    donor = make_donor()
    db.session.commit()
    counts: dict[str, list[int]] = {"fund": [], "statement": [], "contributions": []}
    for total in (10, 10_000):
        bulk_contributions(total - _count(Contribution), donors=20)
        bank_transfer(donor, value_date=date(2018, 3, 2))
        db.session.commit()
        for name, url in (
            ("fund", "/fund"),
            ("statement", f"/fund/statements/{donor.id}/2018"),
            ("contributions", "/fund/contributions"),
        ):
            with queries() as counted:
                assert client.get(url).status_code == 200
            counts[name].append(counted.count)
    assert counts["fund"][0] == counts["fund"][1], counts
    assert counts["statement"][0] == counts["statement"][1], counts
    assert counts["contributions"][0] == counts["contributions"][1], counts


def test_a_contribution_page_shows_its_entries_and_refunds(client, login) -> None:
    contribution = bank_transfer(amount=Money(50_000, "USD"))
    db.session.commit()
    login(Role.FUND_ADMINISTRATOR)
    response = client.submit(
        f"/fund/contributions/{contribution.id}/refunds", {"amount": "600", "reason": "too much"}
    )
    assert response.status_code == 422
    assert any("At most $500.00" in e for e in form_errors(response))
    response = client.submit(
        f"/fund/contributions/{contribution.id}/refunds", {"amount": "100", "reason": "overpaid"}
    )
    assert response.status_code == 302
    html = client.get(f"/fund/contributions/{contribution.id}").get_data(as_text=True)
    assert re.search(r"Refund</td><td>\$100\.00", html)
    assert "Partly refunded" in html
