"""Demo fund: donors, pledges, bank transfers in several currencies and one card contribution,
booked through the same services (and the same Stripe events, with the fee Stripe keeps) as real
ones. The figures come from data files marked as illustrative."""

from __future__ import annotations

import csv
import secrets
from datetime import UTC, date, datetime
from decimal import Decimal
from importlib import resources
from typing import Any

import sqlalchemy as sa

from meetings.auth.models import Role, User
from meetings.extensions import db
from meetings.fund import checkout, contributions, donors, events, payments, pledges, rates
from meetings.fund.models import Contribution, Donor, DonorKind, PaymentMethod
from meetings.fund.stripe.amounts import to_stripe
from meetings.money import Money, minor_unit
from meetings.reference.services import state_by_code

DEMO_DONOR_STATE = "NOR"  # the demo donor account acts for Norway


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("meetings.fund").joinpath("data", name).read_text("utf-8")
    return list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))


def _money(amount: str, currency: str) -> Money:
    exponent = minor_unit(currency)
    return Money(int(Decimal(amount).scaleb(exponent)), currency)


def _donor(key: str) -> Donor:
    if len(key) == 3 and key.isupper():
        state = state_by_code(key)
        assert state is not None
        return donors.get_or_create_government(state)
    found = db.session.scalar(sa.select(Donor).where(Donor.name == key))
    return found or donors.create_donor(
        None, donors.DonorData(kind=DonorKind.ORGANISATION, name=key)
    )


def seed_fund(users: dict[Role, User]) -> None:
    if db.session.scalar(sa.select(sa.func.count()).select_from(Contribution)):
        return
    for row in _rows("demo_rates.csv"):
        rates.set_rate(
            None, row["currency"], rates.parse_month(row["month"]), Decimal(row["units_per_usd"])
        )
    pledge_of: dict[tuple[str, str], int] = {}
    fund_admin = users[Role.FUND_ADMINISTRATOR]
    for row in _rows("demo_fund.csv"):
        donor = _donor(row["donor"])
        amount = _money(row["amount"], row["currency"])
        day = date.fromisoformat(row["date"])
        if row["kind"] == "pledge":
            pledge = pledges.record_pledge(None, donor, pledges.PledgeData(amount, day))
            pledge_of[(row["donor"], row["currency"])] = pledge.id
        else:
            contributions.record_bank_transfer(
                fund_admin,
                donor,
                contributions.BankTransfer(
                    amount=amount,
                    value_date=day,
                    reference=row["reference"],
                    pledge_id=pledge_of.get((row["donor"], row["currency"])),
                ),
                _advice(),
            )
    donors.link_account(fund_admin, _donor(DEMO_DONOR_STATE), users[Role.DONOR].email)
    _card_payment()


def _advice() -> Any:
    """A one-page PDF standing for the bank's advice of a demo transfer."""
    import io

    from meetings.documents.services import read_upload

    pdf = (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n"
        b"% Illustrative bank advice for the demonstration data\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    )
    return read_upload(io.BytesIO(pdf), "bank-advice-illustrative.pdf", field="advice")


def _card_payment() -> None:
    """A private person's card payment, applied by the same code as Stripe's webhook: the paid
    checkout session, then the charge with the balance transaction Stripe wrote for it (EUR
    500.00 converted into US dollars, and Stripe's fee)."""
    donor = donors.guest_donor("Ana Illustrative", "ana@example.org", anonymous=True)
    contribution = checkout.pending_card_payment(
        None, donor, Money(50_000, "EUR"), secrets.token_urlsafe(32)
    )
    amount, currency = to_stripe(contribution.amount)
    paid_at = int(datetime(2018, 5, 14, 15, 30, tzinfo=UTC).timestamp())
    number = contribution.id
    session = {
        "id": f"cs_test_demo{number}",
        "object": "checkout.session",
        "amount_total": amount,
        "currency": currency,
        "client_reference_id": str(number),
        "metadata": {"contribution": str(number)},
        "payment_intent": f"pi_test_demo{number}",
        "payment_status": "paid",
        "status": "complete",
        "livemode": False,
    }
    # Illustrative: Stripe converted at 1.2320 USD per EUR and kept 3.9 % + 0.30 USD.
    charge = {
        "id": f"ch_test_demo{number}",
        "object": "charge",
        "amount": amount,
        "currency": currency,
        "paid": True,
        "payment_intent": f"pi_test_demo{number}",
        "metadata": {"contribution": str(number)},
        "balance_transaction": {
            "id": f"txn_test_demo{number}",
            "object": "balance_transaction",
            "amount": 61_600,
            "currency": "usd",
            "exchange_rate": 1.232,
            "fee": 2_432,
            "net": 59_168,
            "created": paid_at,
            "type": "charge",
        },
    }
    stripe = payments.provider(PaymentMethod.STRIPE)
    for kind, obj in (("checkout.session.completed", session), ("charge.updated", charge)):
        events.receive(
            stripe,
            {
                "id": f"evt_test_demo_{kind}_{number}",
                "object": "event",
                "type": kind,
                "created": paid_at,
                "livemode": False,
                "api_version": "",
                "data": {"object": obj},
            },
        )
