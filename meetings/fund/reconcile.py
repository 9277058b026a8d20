"""Bringing our records in line with Stripe's: events it holds that we never processed, and our
pending contributions older than a day whose session has ended. Idempotent: running it twice
changes nothing the second time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa

from meetings import clock
from meetings.extensions import db
from meetings.fund import fulfilment, gateway
from meetings.fund.models import Contribution, ContributionStatus, PaymentMethod, StripeEvent


@dataclass
class Report:
    events_seen: int = 0
    events_applied: list[str] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)
    settled: list[int] = field(default_factory=list)


def missing_events(days: int = 30) -> list[dict[str, object]]:
    """Events of the last ``days`` that Stripe holds and we have not stored, oldest first."""
    since = int((clock.now() - timedelta(days=days)).timestamp())
    events = list(gateway.events(created_after=since))
    ids = [str(e.get("id")) for e in events]
    known = set(db.session.scalars(sa.select(StripeEvent.id).where(StripeEvent.id.in_(ids))))
    missing = [e for e in events if e.get("id") not in known]
    return sorted(missing, key=lambda e: int(str(e.get("created") or 0)))


def stale_contributions() -> list[Contribution]:
    """Card payments still pending a day after they were started."""
    return list(
        db.session.scalars(
            sa.select(Contribution)
            .where(
                Contribution.status == ContributionStatus.PENDING,
                Contribution.method == PaymentMethod.STRIPE,
                Contribution.created_at < clock.now() - timedelta(days=1),
            )
            .order_by(Contribution.id)
        )
    )


def reconcile(
    commit: Callable[[], None], progress: Callable[[int], None] | None = None, *, days: int = 30
) -> Report:
    """Apply what is missing; ``commit`` after each item, so that one failure loses nothing."""
    report = Report()
    events = missing_events(days)
    report.events_seen = len(events)
    for event in events:
        fulfilment.handle_event(dict(event))
        commit()
        report.events_applied.append(str(event.get("id")))
        if progress:
            progress(1)
    for contribution in stale_contributions():
        report.stale.append(contribution.id)
        if contribution.stripe_checkout_session_id:
            session = gateway.retrieve_checkout_session(contribution.stripe_checkout_session_id)
            fulfilment.apply_session(session)
            commit()
            if contribution.status is not ContributionStatus.PENDING:
                report.settled.append(contribution.id)
        if progress:
            progress(1)
    return report
