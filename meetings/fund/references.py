"""The identifiers payment providers give to our records, kept in one table: each checkout
session, payment, charge, refund and dispute is remembered against the contribution (and refund
or dispute) it belongs to, so that any event naming any of them finds our record — and a
contribution may carry several checkout sessions, each found by its own identifier."""

from __future__ import annotations

import sqlalchemy as sa

from meetings.extensions import db
from meetings.fund.models import (
    Contribution,
    Dispute,
    PaymentMethod,
    PaymentReference,
    ReferenceKind,
    Refund,
)


def find(provider: PaymentMethod, reference: str | None) -> PaymentReference | None:
    if not reference:
        return None
    return db.session.scalar(
        sa.select(PaymentReference).where(
            PaymentReference.provider == provider, PaymentReference.reference == reference
        )
    )


def contribution_of(provider: PaymentMethod, *references: str | None) -> Contribution | None:
    """The contribution the first known of ``references`` belongs to."""
    for reference in references:
        found = find(provider, reference)
        if found is not None:
            return db.session.get(Contribution, found.contribution_id)
    return None


def remember(
    provider: PaymentMethod,
    kind: ReferenceKind,
    reference: str | None,
    contribution: Contribution,
    *,
    refund: Refund | None = None,
    dispute: Dispute | None = None,
) -> PaymentReference | None:
    """Keep ``reference`` against ``contribution`` (once: a reference already known is left
    as it is, and its record returned)."""
    if not reference:
        return None
    known = find(provider, reference)
    if known is not None:
        if refund is not None and known.refund_id is None:
            known.refund_id = refund.id
        if dispute is not None and known.dispute_id is None:
            known.dispute_id = dispute.id
        db.session.flush()
        return known
    row = PaymentReference(
        provider=provider,
        kind=kind,
        reference=reference[:255],
        contribution_id=contribution.id,
        refund_id=refund.id if refund else None,
        dispute_id=dispute.id if dispute else None,
    )
    db.session.add(row)
    db.session.flush()
    return row


def of(contribution: Contribution, kind: ReferenceKind | None = None) -> list[PaymentReference]:
    """The references of ``contribution`` (of one kind), oldest first."""
    query = sa.select(PaymentReference).where(PaymentReference.contribution_id == contribution.id)
    if kind is not None:
        query = query.where(PaymentReference.kind == kind)
    return list(db.session.scalars(query.order_by(PaymentReference.id)))


def latest(contribution: Contribution, kind: ReferenceKind) -> str | None:
    found = of(contribution, kind)
    return found[-1].reference if found else None


def of_refund(refund: Refund) -> str | None:
    return db.session.scalar(
        sa.select(PaymentReference.reference)
        .where(
            PaymentReference.refund_id == refund.id, PaymentReference.kind == ReferenceKind.REFUND
        )
        .limit(1)
    )


def refund_of(provider: PaymentMethod, reference: str | None) -> Refund | None:
    found = find(provider, reference)
    if found is None or found.refund_id is None:
        return None
    return db.session.get(Refund, found.refund_id)


def dispute_of(provider: PaymentMethod, reference: str | None) -> Dispute | None:
    found = find(provider, reference)
    if found is None or found.dispute_id is None:
        return None
    return db.session.get(Dispute, found.dispute_id)
