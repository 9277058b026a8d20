"""Bringing our records in line with Stripe's, and proving they agree.

:func:`reconcile` applies what we missed: events Stripe holds that we never stored; card payments
still pending a day later (each of their sessions asked again: paid, expired, or failed while its
event was lost); fees not read yet; refunds still waiting for their outcome. It is idempotent:
running it twice changes nothing the second time.

:func:`compare` sets our figures beside Stripe's balance transactions for a period: every movement
Stripe made that we have not booked, every one we booked that Stripe does not show, any figure
that differs, and the totals (gross, fee, net) on both sides.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from meetings import clock
from meetings.extensions import db
from meetings.fund import events, payments, references, refunds, settlement
from meetings.fund.models import (
    Contribution,
    ContributionStatus,
    LedgerEntry,
    LedgerKind,
    PaymentEvent,
    PaymentMethod,
    PaymentMovement,
    ReferenceKind,
    RefundStatus,
)
from meetings.fund.payments import ReconcileReport
from meetings.fund.stripe import facts, fulfilment, gateway
from meetings.fund.stripe.amounts import from_stripe
from meetings.money import Money

STRIPE = PaymentMethod.STRIPE


def missing_events(days: int = 30) -> list[dict[str, Any]]:
    """Events of the last ``days`` that Stripe holds and we have not stored, oldest first."""
    since = int((clock.now() - timedelta(days=days)).timestamp())
    found = list(gateway.events(created_after=since))
    ids = [str(e.get("id")) for e in found]
    known = set(db.session.scalars(sa.select(PaymentEvent.id).where(PaymentEvent.id.in_(ids))))
    missing = [e for e in found if e.get("id") not in known]
    return sorted(missing, key=lambda e: int(str(e.get("created") or 0)))


def stale_contributions() -> list[Contribution]:
    """Card payments still pending a day after they were started."""
    return list(
        db.session.scalars(
            sa.select(Contribution)
            .where(
                Contribution.status == ContributionStatus.PENDING,
                Contribution.method == STRIPE,
                Contribution.created_at < clock.now() - timedelta(days=1),
            )
            .order_by(Contribution.id)
        )
    )


def reconcile(
    provider: payments.PaymentProvider,
    commit: Callable[[], None],
    progress: Callable[[int], None] | None = None,
    *,
    days: int = 30,
) -> ReconcileReport:
    """Apply what is missing; ``commit`` after each item, so that one failure loses nothing."""
    report = ReconcileReport()
    step = progress or (lambda _n: None)
    missing = missing_events(days)
    report.events_seen = len(missing)
    for event in missing:
        events.receive(provider, dict(event))
        commit()
        report.events_applied.append(str(event.get("id")))
        step(1)
    for contribution in stale_contributions():
        report.stale.append(contribution.id)
        for reference in references.of(contribution, ReferenceKind.CHECKOUT_SESSION):
            fulfilment.apply_session(gateway.retrieve_checkout_session(reference.reference))
            commit()
        db.session.refresh(contribution)
        if contribution.status is not ContributionStatus.PENDING:
            report.settled.append(contribution.id)
        step(1)
    for contribution in settlement.unsettled(STRIPE):
        intent = references.latest(contribution, ReferenceKind.PAYMENT_INTENT)
        if facts.read_settlement(contribution, intent):
            report.fees_read.append(contribution.id)
        commit()
        step(1)
    for refund in refunds.pending_refunds():
        refund_reference = references.of_refund(refund)
        owner = db.session.get(Contribution, refund.contribution_id)
        if refund_reference and owner is not None:
            facts.refund_reported(owner, gateway.retrieve_refund(refund_reference))
            commit()
            if refund.status is not RefundStatus.PENDING:
                report.refunds_settled.append(refund.id)
        step(1)
    return report


# --- comparing with Stripe's balance transactions ------------------------------------------------

# Balance transactions that move money to the fund's bank account or within Stripe: not gifts,
# refunds or disputes, so not the fund's movements.
NOT_FUND_MOVEMENTS = frozenset({"payout", "payout_cancel", "payout_failure", "transfer", "topup"})


@dataclass
class Difference:
    reference: str
    what: str


@dataclass
class Totals:
    gross: int = 0
    fee: int = 0

    @property
    def net(self) -> int:
        return self.gross - self.fee


@dataclass
class Comparison:
    start: date
    end: date
    currency: str = "USD"
    stripe: Totals = field(default_factory=Totals)
    ours: Totals = field(default_factory=Totals)
    not_booked: list[Difference] = field(default_factory=list)
    not_at_stripe: list[Difference] = field(default_factory=list)
    differing: list[Difference] = field(default_factory=list)
    not_fund_movements: int = 0
    ledger_fees: int = 0
    ledger_cash: int = 0

    @property
    def ledger_agrees(self) -> bool:
        """The ledger's fees and cash for these movements are Stripe's (in US dollars)."""
        return self.currency != "USD" or (self.ledger_fees, self.ledger_cash) == (
            self.ours.fee,
            self.ours.gross,
        )

    @property
    def agrees(self) -> bool:
        return (
            not (self.not_booked or self.not_at_stripe or self.differing)
            and (self.stripe.gross, self.stripe.fee) == (self.ours.gross, self.ours.fee)
            and self.ledger_agrees
        )


def _moment(day: date) -> int:
    return int(datetime.combine(day, time.min, tzinfo=UTC).timestamp())


def compare(start: date, end: date) -> Comparison:
    """Our movements at Stripe from ``start`` to ``end`` (both included) beside Stripe's balance
    transactions of the same days."""
    result = Comparison(start, end)
    theirs = {
        str(t["id"]): t
        for t in gateway.balance_transactions(
            start=_moment(start), end=_moment(end + timedelta(days=1))
        )
    }
    ours = {
        m.reference: m
        for m in db.session.scalars(
            sa.select(PaymentMovement).where(
                PaymentMovement.provider == STRIPE,
                PaymentMovement.occurred_on >= start,
                PaymentMovement.occurred_on <= end,
            )
        )
    }
    for reference, transaction in sorted(theirs.items()):
        kind = str(transaction.get("type") or "")
        if kind in NOT_FUND_MOVEMENTS:
            result.not_fund_movements += 1
            continue
        currency = str(transaction.get("currency") or "usd")
        gross = from_stripe(int(transaction.get("amount") or 0), currency)
        fee = from_stripe(int(transaction.get("fee") or 0), currency)
        result.currency = gross.currency
        result.stripe.gross += gross.amount
        result.stripe.fee += fee.amount
        mine = ours.get(reference)
        if mine is None:
            result.not_booked.append(Difference(reference, f"{kind} {gross}, fee {fee}"))
        elif (mine.gross, mine.fee) != (gross, fee):
            result.differing.append(
                Difference(
                    reference, f"Stripe {gross}, fee {fee}; ours {mine.gross}, fee {mine.fee}"
                )
            )
    for reference, mine in sorted(ours.items()):
        result.ours.gross += mine.gross_minor
        result.ours.fee += mine.fee_minor
        if reference not in theirs:
            result.not_at_stripe.append(
                Difference(reference, f"{mine.kind.value} {mine.gross}, fee {mine.fee}")
            )
    _ledger_side(result, list(ours.values()))
    return result


def _ledger_side(result: Comparison, movements: list[PaymentMovement]) -> None:
    """What the ledger holds for the same movements: their fees, and the cash they brought
    (what was booked at the operational rate, corrected by the exchange differences)."""
    sources = [f"movement:{STRIPE.value}:{m.reference}" for m in movements]
    if not sources:
        return
    rows = db.session.execute(
        sa.select(LedgerEntry.kind, sa.func.sum(LedgerEntry.usd_amount_minor))
        .where(
            sa.or_(
                LedgerEntry.source.in_([f"{s}:fee" for s in sources]),
                LedgerEntry.source.in_([f"{s}:exchange" for s in sources]),
            )
        )
        .group_by(LedgerEntry.kind)
    ).all()
    sums = {LedgerKind(kind): int(total or 0) for kind, total in rows}
    result.ledger_fees = sums.get(LedgerKind.PAYMENT_FEE, 0) - sums.get(
        LedgerKind.PAYMENT_FEE_RETURNED, 0
    )
    exchange = sums.get(LedgerKind.EXCHANGE_GAIN, 0) - sums.get(LedgerKind.EXCHANGE_LOSS, 0)
    result.ledger_cash = sum(m.booked_usd_minor for m in movements) + exchange


def describe(comparison: Comparison) -> list[str]:
    """The comparison in lines for an operator."""

    def money(minor: int) -> str:
        return str(Money(minor, comparison.currency))

    lines = [
        f"Stripe balance transactions {comparison.start} to {comparison.end} "
        f"({comparison.currency}):",
        f"  Stripe: gross {money(comparison.stripe.gross)}, fees {money(comparison.stripe.fee)}, "
        f"net {money(comparison.stripe.net)}",
        f"  ours:   gross {money(comparison.ours.gross)}, fees {money(comparison.ours.fee)}, "
        f"net {money(comparison.ours.net)}",
    ]
    if comparison.currency == "USD":
        lines.append(
            f"  ledger: fees {money(comparison.ledger_fees)}, cash {money(comparison.ledger_cash)}"
        )
    for title, items in (
        ("not booked by us", comparison.not_booked),
        ("not at Stripe", comparison.not_at_stripe),
        ("figures differ", comparison.differing),
    ):
        for item in items:
            lines.append(f"  {title}: {item.reference} {item.what}")
    if comparison.not_fund_movements:
        lines.append(
            f"  {comparison.not_fund_movements} payouts or transfers (not the fund's movements)"
        )
    lines.append("  they agree" if comparison.agrees else "  THEY DIFFER")
    return lines


def period(days: int) -> tuple[date, date]:
    today = clock.now().date()
    return today - timedelta(days=days), today
