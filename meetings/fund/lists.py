"""The fund administrators' lists: contributions (filtered, paged), the ledger, the payment
providers' events, and everything recorded about one contribution."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from meetings.auth.models import User
from meetings.auth.permissions import Permission, require
from meetings.extensions import db
from meetings.fund.models import (
    Contribution,
    ContributionStatus,
    Dispute,
    LedgerEntry,
    PaymentEvent,
    PaymentMovement,
    PaymentReference,
    Refund,
)
from meetings.pagination import Page, paginate


@dataclass(frozen=True)
class ContributionFilter:
    status: ContributionStatus | None = None
    donor_id: int | None = None
    flagged: bool = False


def contributions(
    actor: User, filters: ContributionFilter, *, page: int, per_page: int = 50
) -> Page[Contribution]:
    require(actor, Permission.MANAGE_FUND)
    query = sa.select(Contribution).order_by(Contribution.id.desc())
    if filters.status is not None:
        query = query.where(Contribution.status == filters.status)
    if filters.donor_id is not None:
        query = query.where(Contribution.donor_id == filters.donor_id)
    if filters.flagged:
        query = query.where(Contribution.mismatch.is_not(None))
    return paginate(query, page=page, per_page=per_page)


def entries(actor: User, *, page: int, per_page: int = 100) -> Page[LedgerEntry]:
    require(actor, Permission.MANAGE_FUND)
    return paginate(
        sa.select(LedgerEntry).order_by(LedgerEntry.sequence.desc()), page=page, per_page=per_page
    )


def events(actor: User, *, page: int, per_page: int = 50) -> Page[PaymentEvent]:
    require(actor, Permission.MANAGE_FUND)
    return paginate(
        sa.select(PaymentEvent).order_by(PaymentEvent.received_at.desc()),
        page=page,
        per_page=per_page,
    )


@dataclass(frozen=True)
class ContributionRecords:
    """Everything the fund and its payment provider recorded about one contribution."""

    entries: list[LedgerEntry]
    events: list[PaymentEvent]
    refunds: list[Refund]
    references: list[PaymentReference]
    movements: list[PaymentMovement]
    disputes: list[Dispute]


def _of(model: Any, contribution: Contribution, *order: Any) -> list[Any]:
    return list(
        db.session.scalars(
            sa.select(model).where(model.contribution_id == contribution.id).order_by(*order)
        )
    )


def records_of(contribution: Contribution) -> ContributionRecords:
    return ContributionRecords(
        entries=_of(LedgerEntry, contribution, LedgerEntry.sequence),
        events=_of(PaymentEvent, contribution, PaymentEvent.created),
        refunds=_of(Refund, contribution, Refund.id),
        references=_of(PaymentReference, contribution, PaymentReference.id),
        movements=_of(
            PaymentMovement, contribution, PaymentMovement.occurred_on, PaymentMovement.id
        ),
        disputes=_of(Dispute, contribution, Dispute.id),
    )


def entries_after(actor: User, after_sequence: int | None, limit: int) -> list[LedgerEntry]:
    """Ledger entries in the order they were posted, after ``after_sequence`` (the API's cursor):
    one indexed range, however long the ledger."""
    require(actor, Permission.MANAGE_FUND)
    query = sa.select(LedgerEntry).order_by(LedgerEntry.sequence).limit(limit)
    if after_sequence is not None:
        query = query.where(LedgerEntry.sequence > after_sequence)
    return list(db.session.scalars(query))
