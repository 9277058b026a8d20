from __future__ import annotations

import io
import itertools
from datetime import date
from decimal import Decimal

from meetings.documents.services import Upload, read_upload
from meetings.fund import commitments, contributions, rates
from meetings.fund.donors import DonorData, create_donor
from meetings.fund.models import Commitment, Contribution, Donor, DonorKind
from meetings.money import Money
from meetings.reference.services import state_by_code
from tests.factories.registration import PDF

_sequence = itertools.count(1)
VALUE_DATE = date(2018, 3, 15)

# Illustrative rates (units per US dollar) for March 2018, and a few other months.
RATES = {"EUR": "0.8117", "CHF": "0.9450", "JPY": "106.30", "KWD": "0.3010", "NOK": "7.7650"}


def set_rates(month: date = VALUE_DATE) -> None:
    """The rates of ``month``'s month, in force from its first day."""
    for code, value in RATES.items():
        rates.set_rate(None, code, month.replace(day=1), Decimal(value))


def make_donor(
    kind: DonorKind = DonorKind.ORGANISATION,
    *,
    name: str | None = None,
    state: str | None = None,
    anonymous: bool = False,
    email: str | None = None,
) -> Donor:
    number = next(_sequence)
    return create_donor(
        None,
        DonorData(
            kind=kind,
            name=name or f"Donor {number}",
            state_id=state_by_code(state).id if state else None,
            email=email or f"donor{number}@example.org",
            is_anonymous=anonymous,
        ),
    )


def advice() -> Upload:
    return read_upload(io.BytesIO(PDF), "advice.pdf", field="advice")


def bank_transfer(
    donor: Donor | None = None,
    amount: Money | None = None,
    *,
    value_date: date = VALUE_DATE,
    pledge_id: int | None = None,
    actor=None,
) -> Contribution:
    """A received bank transfer, recorded through the service (by a fund administrator)."""
    from meetings.auth.models import Role
    from tests.factories.auth import make_user

    if actor is None:
        actor = make_user(roles=[Role.FUND_ADMINISTRATOR])
    if value_date.replace(day=1) != VALUE_DATE.replace(day=1):
        set_rates(value_date)
    elif not _rates_set():
        set_rates()
    return contributions.record_bank_transfer(
        actor,
        donor or make_donor(),
        contributions.BankTransfer(
            amount=amount or Money(1_000_000, "USD"),
            value_date=value_date,
            reference=f"BANK-{next(_sequence)}",
            pledge_id=pledge_id,
        ),
        advice(),
    )


def _rates_set() -> bool:
    from meetings.errors import DomainError

    try:
        rates.rate_for("EUR", VALUE_DATE)
    except DomainError:
        return False
    return True


def commit(usd_minor: int, purpose: str | None = None) -> Commitment:
    return commitments.commit(
        None,
        purpose=purpose or f"test:{next(_sequence)}",
        amount=Money(usd_minor, "USD"),
        description="test award",
    )


def bulk_contributions(count: int, *, donors: int = 20) -> None:
    """``count`` received bank transfers (with their ledger entries) inserted in bulk, spread
    over donors and months: for query counts at scale."""
    import sqlalchemy as sa

    from meetings.extensions import db
    from meetings.fund.models import LedgerEntry

    if count <= 0:
        return
    people = [make_donor() for _ in range(donors)]
    db.session.flush()
    first_sequence = (db.session.scalar(sa.select(sa.func.max(LedgerEntry.sequence))) or 0) + 1
    first_receipt = (
        db.session.scalar(sa.select(sa.func.max(Contribution.receipt_number))) or 0
    ) + 1
    contributions_rows, entries = [], []
    for n in range(count):
        day = date(2017 + (n % 36) // 12, (n % 12) + 1, 1 + n % 28)
        contributions_rows.append(
            {
                "donor_id": people[n % donors].id,
                "amount_minor": 10_000 + n,
                "currency": "USD",
                "usd_amount_minor": 10_000 + n,
                "units_per_usd": Decimal(1),
                "rate_date": day.replace(day=1),
                "value_date": day,
                "method": "bank_transfer",
                "status": "received",
                "reference": f"BULK-{n}",
                "receipt_number": first_receipt + n,
            }
        )
    ids = db.session.scalars(
        sa.insert(Contribution).returning(Contribution.id, sort_by_parameter_order=True),
        contributions_rows,
    ).all()
    for n, contribution_id in enumerate(ids):
        entries.append(
            {
                "sequence": first_sequence + n,
                "kind": "contribution_received",
                "usd_amount_minor": 10_000 + n,
                "contribution_id": contribution_id,
                "source": f"contribution:{contribution_id}:received",
                "description": "bulk",
                "occurred_on": contributions_rows[n]["value_date"],
            }
        )
    db.session.execute(sa.insert(LedgerEntry), entries)
    db.session.commit()
