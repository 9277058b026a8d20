"""What the fund's tests of card payments share: giving through the form, finding the
contribution, reading its ledger entries."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from meetings.extensions import db
from meetings.fund import references
from meetings.fund.models import Contribution, LedgerEntry, LedgerKind, ReferenceKind
from meetings.money import Money

TOKEN = "t" * 40


def contribute(
    client: Any, amount: str = "10.00", currency: str = "USD", token: str = TOKEN, **extra: str
) -> Any:
    data = {
        "amount": amount,
        "currency": currency,
        "name": "Ana Donor",
        "email": "ana@example.org",
        "token": token,
        **extra,
    }
    return client.submit("/fund/contribute", data)


def contribution(token: str = TOKEN) -> Contribution:
    found = db.session.scalars(
        sa.select(Contribution).where(Contribution.checkout_token == token)
    ).one()
    db.session.refresh(found)
    return found


def session_of(found: Contribution) -> str:
    """The contribution's latest checkout session."""
    latest = references.latest(found, ReferenceKind.CHECKOUT_SESSION)
    assert latest is not None
    return latest


def count(model: Any, *conditions: Any) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*conditions)) or 0


def entries(found: Contribution, *kinds: LedgerKind) -> list[tuple[LedgerKind, int]]:
    query = sa.select(LedgerEntry).where(LedgerEntry.contribution_id == found.id)
    if kinds:
        query = query.where(LedgerEntry.kind.in_(kinds))
    return [
        (e.kind, e.usd_amount_minor)
        for e in db.session.scalars(query.order_by(LedgerEntry.sequence))
    ]


def usd(minor: int) -> Money:
    return Money(minor, "USD")


def signed_post(client: Any, stripe: Any, event: dict[str, Any]) -> Any:
    payload, headers = stripe.signed(event)
    return client.post("/fund/stripe/webhook", data=payload, headers=headers)
