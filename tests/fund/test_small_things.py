"""The audit's smaller findings: digits of other scripts, absurd DSA rates, signed bodies that
are no events, guest pages kept by caches, rate revisions within a month, a month without a rate,
and the currencies a donor is offered."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from meetings.auth.models import Role
from meetings.errors import DomainError
from meetings.extensions import db
from meetings.fund import rates
from meetings.fund.models import (
    Contribution,
    ContributionStatus,
    EventOutcome,
    LedgerEntry,
    PaymentEvent,
)
from meetings.money import Money, parse_amount
from tests.fund.helpers import TOKEN, contribute, contribution, count, session_of
from tests.support.stripe_api import StripeServer


@pytest.mark.parametrize(
    ("typed", "minor"),
    [
        ("١٢٣٤٫٥٠", 123_450),  # Arabic-Indic digits and Arabic decimal separator
        ("١٬٢٣٤٫٥٠", 123_450),
        ("۱۲۳۴.۵", 123_450),  # Extended Arabic-Indic (Persian, Urdu)
        ("１２３４", 123_400),  # full-width digits
        ("१२३४", 123_400),  # Devanagari
    ],
)
def test_digits_of_other_scripts_are_read_as_the_number_they_stand_for(
    app, typed: str, minor: int
) -> None:
    assert parse_amount(typed, "USD") == Money(minor, "USD")


def test_a_gift_typed_in_arabic_digits_is_booked_and_described_in_ascii(client, login) -> None:
    from meetings.fund.models import Donor

    donor = Donor(kind="organisation", name="Donor ١", email=None)
    db.session.add(donor)
    db.session.commit()
    login(Role.FUND_ADMINISTRATOR)
    from tests.fund.test_views import _transfer_form

    response = client.submit(
        f"/fund/donors/{donor.id}/transfers", _transfer_form(amount="١٬٠٠٠٫٠٠")
    )
    assert response.status_code == 302
    entry = db.session.scalars(sa.select(LedgerEntry)).one()
    assert entry.usd_amount_minor == 100_000
    assert entry.original == Money(100_000, "USD")


@pytest.mark.parametrize("typed", ["99999999999999999999", "100000"])
def test_an_absurd_dsa_rate_is_refused_beside_its_field(client, login, typed: str) -> None:
    login(
        Role.FUND_ADMINISTRATOR,
    )
    response = client.submit(
        "/sponsorship/manage/dsa-rates",
        {"city": "New York", "daily_rate": typed, "valid_from": "2018-01-01", "note": ""},
    )
    assert response.status_code == 422
    assert "daily_rate-error" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "body",
    [b"[]", b"5", b'"x"', b'{"object": "event", "data": {"object": {}}}', b'{"id": "evt_1"}'],
)
def test_a_signed_body_that_is_no_event_is_answered_400_and_kept_for_an_administrator(
    client, stripe: StripeServer, body: bytes
) -> None:
    payload, headers = stripe.sign(body)
    for _ in range(2):  # Stripe would send it again
        response = client.post("/fund/stripe/webhook", data=payload, headers=headers)
        assert response.status_code == 400
        assert response.json["error"] == "not an event we can read"
    [kept] = db.session.scalars(sa.select(PaymentEvent)).all()
    assert kept.outcome is EventOutcome.REJECTED
    assert kept.payload == {"body": body.decode()}


def test_the_guest_thank_you_and_receipt_pages_are_never_kept_by_a_cache(
    client, stripe: StripeServer
) -> None:
    contribute(client, "100.00")
    stripe.pay(session_of(contribution()))
    stripe.deliver()
    for url in (
        f"/fund/thanks/{TOKEN}",
        f"/fund/thanks/{TOKEN}/receipt",
        f"/fund/thanks/{TOKEN}/receipt.pdf",
        f"/fund/cancelled/{TOKEN}",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "private, no-store", url


def _transfer(amount: Money, day: date) -> Contribution:
    from meetings.fund import contributions
    from tests.factories.auth import make_user
    from tests.factories.fund import advice, make_donor

    return contributions.record_bank_transfer(
        make_user(roles=[Role.FUND_ADMINISTRATOR]),
        make_donor(),
        contributions.BankTransfer(amount=amount, value_date=day, reference="REF"),
        advice(),
    )


def test_a_rate_revised_within_a_month_values_money_from_the_day_of_the_revision() -> None:
    rates.set_rate(None, "EUR", date(2018, 6, 1), Decimal("0.8500"))
    rates.set_rate(None, "EUR", date(2018, 6, 15), Decimal("0.9000"))
    before = _transfer(Money(85_000, "EUR"), date(2018, 6, 10))
    after = _transfer(Money(90_000, "EUR"), date(2018, 6, 20))
    assert (before.usd_amount_minor, before.rate_date) == (100_000, date(2018, 6, 1))
    assert (after.usd_amount_minor, after.rate_date) == (100_000, date(2018, 6, 15))


def test_a_month_without_a_rate_has_none_even_when_an_earlier_month_has_one() -> None:
    rates.set_rate(None, "EUR", date(2018, 6, 1), Decimal("0.8500"))
    with pytest.raises(DomainError, match="no operational rate") as caught:
        _transfer(Money(85_000, "EUR"), date(2018, 7, 2))
    assert caught.value.field == "currency"
    with pytest.raises(DomainError, match="no operational rate"):
        rates.rate_for("EUR", date(2018, 6, 1).replace(month=5))


def test_card_money_arriving_in_a_month_without_a_rate_is_valued_at_the_rate_it_began_with(
    client, stripe: StripeServer
) -> None:
    from datetime import UTC, datetime

    from meetings import clock

    stripe.fee_percent, stripe.fee_fixed = Decimal(0), 0
    rates.set_rate(None, "EUR", date(2018, 6, 1), Decimal("0.8000"))
    db.session.commit()
    with clock.standing_at(datetime(2018, 6, 30, 23, 50, tzinfo=UTC)):
        assert contribute(client, "80.00", "EUR").status_code == 303
    stripe.pay(session_of(contribution()))
    [event] = stripe.take("checkout.session.completed")
    event["created"] = int(datetime(2018, 7, 1, 0, 5, tzinfo=UTC).timestamp())
    payload, headers = stripe.sign(json.dumps(event).encode())
    assert client.post("/fund/stripe/webhook", data=payload, headers=headers).status_code == 200
    found = contribution()
    assert found.status is ContributionStatus.RECEIVED
    assert (found.usd_amount_minor, found.rate_date) == (10_000, date(2018, 6, 1))
    assert "no rate for 2018-07" in (found.mismatch or "")


def test_a_donor_is_offered_only_the_currencies_that_can_be_paid_now(
    client, stripe: StripeServer
) -> None:
    from meetings import clock

    def card_currencies() -> str:
        # The card form's list (a pledge may be announced in any currency: its own list).
        html = client.get("/fund/contribute").get_data(as_text=True)
        found = re.search(r'<select[^>]*id="currency".*?</select>', html, re.S)
        assert found is not None
        return found.group(0)

    assert 'value="USD"' in card_currencies()
    assert 'value="EUR"' not in card_currencies()
    rates.set_rate(None, "EUR", clock.now().date().replace(day=1), Decimal("0.85"))
    db.session.commit()
    assert 'value="EUR"' in card_currencies()
    assert count(Contribution) == 0
