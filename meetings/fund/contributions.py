"""Contributions: money received, by bank transfer (recorded by hand, with the bank's advice) or
by card through Stripe (recorded by the fulfilment of Stripe's events), its refunds and disputes.

A contribution's status follows from what is known of it — received or not, how much was
refunded, whether a dispute is open or was lost — so that the same facts, learned in any order,
end in the same status (:func:`settle_status`). Every change of status goes through the one
transition table below and is audited; every movement of money is one ledger entry, booked once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _

from meetings import clock
from meetings.audit.services import record
from meetings.auth.models import User
from meetings.auth.permissions import Permission, require
from meetings.documents.services import Upload, new_document
from meetings.errors import DomainError, NotFound
from meetings.extensions import db
from meetings.fund import ledger, notices, rates
from meetings.fund.donors import can_see_donor
from meetings.fund.models import (
    Contribution,
    ContributionStatus,
    Donor,
    ExchangeRate,
    LedgerKind,
    PaymentMethod,
    Pledge,
    Refund,
    RefundStatus,
)
from meetings.fund.pledges import check_amount
from meetings.money import Money, format_money
from meetings.workflow import Workflow, by_permission

C = ContributionStatus
FUND = frozenset({"fund_administrator"})
STRIPE = frozenset({"stripe"})  # a kind no person holds: only Stripe's events (the system) move
BOTH = FUND | STRIPE

# The one table of a contribution's life. Refunds and disputes may arrive in any order: each
# status below is reachable from any status the same facts could have produced before.
TRANSITIONS: dict[tuple[C, C], frozenset[str]] = {
    (C.PENDING, C.RECEIVED): BOTH,
    (C.PENDING, C.FAILED): STRIPE,
    (C.PENDING, C.EXPIRED): STRIPE,
    (C.RECEIVED, C.PARTLY_REFUNDED): BOTH,
    (C.RECEIVED, C.REFUNDED): BOTH,
    (C.PARTLY_REFUNDED, C.REFUNDED): BOTH,
    (C.RECEIVED, C.DISPUTED): STRIPE,
    (C.PARTLY_REFUNDED, C.DISPUTED): STRIPE,
    (C.DISPUTED, C.RECEIVED): STRIPE,
    (C.DISPUTED, C.PARTLY_REFUNDED): STRIPE,
    (C.DISPUTED, C.REFUNDED): STRIPE,
    (C.DISPUTED, C.DISPUTE_LOST): STRIPE,
    (C.RECEIVED, C.DISPUTE_LOST): STRIPE,
    (C.PARTLY_REFUNDED, C.DISPUTE_LOST): STRIPE,
    (C.REFUNDED, C.DISPUTED): STRIPE,
    (C.REFUNDED, C.DISPUTE_LOST): STRIPE,
}

WORKFLOW: Workflow[C, Contribution] = Workflow(
    name="contribution",
    table=TRANSITIONS,
    kinds=by_permission(fund_administrator=Permission.MANAGE_FUND),
    refusal=lambda current, target: _(
        "A contribution that is “%(current)s” cannot become “%(target)s”.",
        current=current,
        target=target,
    ),
    not_allowed=lambda: _("Only Stripe's own events can make this change."),
)


def get_contribution(actor: User, contribution_id: int) -> Contribution:
    """A contribution a fund administrator manages, or one of the actor's own donor's."""
    contribution = db.session.get(Contribution, contribution_id)
    if contribution is None or not can_see_donor(actor, contribution.donor):
        raise NotFound(_("There is no such contribution."))
    return contribution


def contribution_by_token(token: str) -> Contribution:
    """The contribution a donor's browser holds the secret of (the thank-you page)."""
    contribution = (
        db.session.scalar(sa.select(Contribution).where(Contribution.checkout_token == token))
        if token
        else None
    )
    if contribution is None:
        raise NotFound(_("There is no such contribution."))
    return contribution


def lock_contribution(contribution: Contribution) -> None:
    """Read the contribution again under its row lock: events of one payment are applied one
    after the other, each seeing what the one before did."""
    db.session.execute(
        sa.select(Contribution.id).where(Contribution.id == contribution.id).with_for_update()
    )
    db.session.refresh(contribution)


# --- facts and the status they make --------------------------------------------------------------


def refunded_minor(contribution: Contribution) -> int:
    return int(
        db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(Refund.amount_minor), 0)).where(
                Refund.contribution_id == contribution.id,
                Refund.status == RefundStatus.SUCCEEDED,
            )
        )
        or 0
    )


def status_from_facts(contribution: Contribution) -> C:
    """The status the known facts make: a lost dispute stays lost; an open dispute shows; then
    how much was refunded."""
    current = contribution.status
    if current in (C.PENDING, C.FAILED, C.EXPIRED, C.DISPUTE_LOST):
        return current
    if contribution.dispute_open:
        return C.DISPUTED
    refunded = refunded_minor(contribution)
    if refunded >= contribution.amount.amount:
        return C.REFUNDED
    if refunded > 0:
        return C.PARTLY_REFUNDED
    return C.RECEIVED


def settle_status(actor: User | None, contribution: Contribution, *, reason: str = "") -> None:
    target = status_from_facts(contribution)
    if target is not contribution.status:
        WORKFLOW.move(actor, contribution, target, reason=reason)


def usd_share(contribution: Contribution, minor: int) -> int:
    """The USD value of ``minor`` units of the contribution's money, at the rate it was received
    at (proportional to its stored USD value)."""
    usd_total = contribution.usd_amount_minor or 0
    total = contribution.amount.amount
    return (usd_total * minor + total // 2) // total


# --- receiving -----------------------------------------------------------------------------------


def receive(
    actor: User | None,
    contribution: Contribution,
    *,
    value_date: date,
    received: Money | None = None,
    reason: str = "",
) -> bool:
    """Book the money of ``contribution`` as received on ``value_date`` (once: False when it
    already was). ``received`` is what actually arrived when it differs from what was asked:
    the contribution is recorded at those figures and flagged for fund administrators."""
    if contribution.status is not C.PENDING:
        return False
    if received is not None and received != contribution.amount:
        contribution.mismatch = str(
            _(
                "We asked for %(asked)s; %(received)s was received.",
                asked=format_money(contribution.amount),
                received=format_money(received),
            )
        )
        contribution.amount = received
    rate, month = _rate(contribution, value_date)
    ledger.lock()
    contribution.units_per_usd = rate
    contribution.rate_month = month
    contribution.value_date = value_date
    contribution.usd_amount_minor = max(1, rates.usd_value(contribution.amount, rate))
    contribution.received_at = clock.now()
    contribution.receipt_number = (
        db.session.scalar(sa.select(sa.func.max(Contribution.receipt_number))) or 0
    ) + 1
    WORKFLOW.move(actor, contribution, C.RECEIVED, reason=reason)
    ledger.post(
        LedgerKind.CONTRIBUTION_RECEIVED,
        contribution.usd_amount_minor,
        actor=actor,
        original=contribution.amount,
        contribution=contribution,
        source=f"contribution:{contribution.id}:received",
        description=contribution.donor.name,
        occurred_on=value_date,
    )
    notices.receipt(contribution)
    return True


def _rate(contribution: Contribution, value_date: date) -> tuple[Decimal, date]:
    """The operational rate of the month of receipt. Money that arrived by card in a month
    whose rate is not entered yet is booked at the latest earlier rate, and flagged."""
    try:
        return rates.rate_for(contribution.amount.currency, value_date), rates.month_of(value_date)
    except DomainError:
        if contribution.method is not PaymentMethod.STRIPE:
            raise
    found = db.session.execute(
        sa.select(ExchangeRate.units_per_usd, ExchangeRate.month)
        .where(
            ExchangeRate.currency == contribution.amount.currency,
            ExchangeRate.month <= value_date,
        )
        .order_by(ExchangeRate.month.desc())
        .limit(1)
    ).first()
    if found is None:
        raise DomainError(
            _("There is no operational rate for %(code)s.", code=contribution.amount.currency)
        )
    note = str(
        _(
            "Booked at the rate of %(month)s: the rate of the month of receipt was missing.",
            month=found.month.strftime("%Y-%m"),
        )
    )
    contribution.mismatch = (
        f"{contribution.mismatch} {note}".strip() if contribution.mismatch else note
    )
    return found.units_per_usd, found.month


@dataclass(frozen=True)
class BankTransfer:
    amount: Money
    value_date: date
    reference: str
    pledge_id: int | None = None


def record_bank_transfer(
    actor: User, donor: Donor, transfer: BankTransfer, advice: Upload | None
) -> Contribution:
    """A transfer the bank has credited: recorded with the bank's advice, received at once."""
    require(actor, Permission.MANAGE_FUND)
    if advice is None:
        raise DomainError(_("Attach the bank's advice of the transfer."), field="advice")
    if transfer.value_date > clock.now().date():
        raise DomainError(_("The value date cannot be in the future."), field="value_date")
    rate = rates.rate_for(transfer.amount.currency, transfer.value_date)
    check_amount(transfer.amount, rates.usd_value(transfer.amount, rate))
    if not transfer.reference.strip():
        raise DomainError(_("Enter the bank's reference of the transfer."), field="reference")
    pledge = _pledge_for(donor, transfer.pledge_id, transfer.amount)
    contribution = Contribution(
        donor_id=donor.id,
        donor=donor,
        pledge_id=pledge.id if pledge else None,
        amount=transfer.amount,
        method=PaymentMethod.BANK_TRANSFER,
        reference=transfer.reference.strip()[:120],
        recorded_by_id=actor.id,
    )
    contribution.bank_advice = new_document(actor, advice)
    db.session.add(contribution)
    db.session.flush()
    receive(actor, contribution, value_date=transfer.value_date)
    return contribution


def _pledge_for(donor: Donor, pledge_id: int | None, amount: Money) -> Pledge | None:
    if pledge_id is None:
        return None
    pledge = db.session.get(Pledge, pledge_id)
    if pledge is None or pledge.donor_id != donor.id:
        raise DomainError(_("Choose one of this donor's pledges."), field="pledge_id")
    if pledge.cancelled_at is not None:
        raise DomainError(_("This pledge was cancelled."), field="pledge_id")
    if pledge.amount.currency != amount.currency:
        raise DomainError(
            _(
                "This pledge is in %(code)s: record the payment in the same currency.",
                code=pledge.amount.currency,
            ),
            field="pledge_id",
        )
    return pledge


# --- refunds -------------------------------------------------------------------------------------


def refundable(contribution: Contribution) -> Money:
    pending = int(
        db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(Refund.amount_minor), 0)).where(
                Refund.contribution_id == contribution.id,
                Refund.status == RefundStatus.PENDING,
            )
        )
        or 0
    )
    left = contribution.amount.amount - refunded_minor(contribution) - pending
    return Money(max(left, 0), contribution.amount.currency)


def request_refund(actor: User, contribution: Contribution, amount: Money, reason: str) -> Refund:
    """A fund administrator gives money back. A bank transfer's refund is recorded as made; a
    card payment's refund is sent to Stripe and stays pending until Stripe confirms it."""
    require(actor, Permission.MANAGE_FUND)
    lock_contribution(contribution)
    if contribution.status not in (C.RECEIVED, C.PARTLY_REFUNDED):
        raise DomainError(_("Only money received can be refunded."))
    if amount.currency != contribution.amount.currency:
        raise DomainError(
            _("Refund in the currency received, %(code)s.", code=contribution.amount.currency),
            field="amount",
        )
    if amount.amount <= 0:
        raise DomainError(_("Enter an amount above zero."), field="amount")
    if amount > refundable(contribution):
        raise DomainError(
            _(
                "At most %(left)s can still be refunded.",
                left=format_money(refundable(contribution)),
            ),
            field="amount",
        )
    if not reason.strip():
        raise DomainError(_("Give the reason for the refund."), field="reason")
    ledger.lock()
    usd = _refund_usd(contribution, amount.amount)
    if usd > ledger.balances().available:
        raise DomainError(
            _("Refunding this would leave commitments uncovered: release money first."),
            field="amount",
        )
    refund = Refund(
        contribution_id=contribution.id,
        amount=amount,
        reason=reason.strip()[:2000],
        requested_by_id=actor.id,
    )
    db.session.add(refund)
    db.session.flush()
    record(actor, "refund.requested", refund, after={"amount": str(amount)}, reason=refund.reason)
    if contribution.method is PaymentMethod.BANK_TRANSFER:
        confirm_refund(actor, refund)
    return refund


def _refund_usd(contribution: Contribution, minor: int) -> int:
    """USD value of one more refund of ``minor``: the difference of the shares before and after,
    so that refunds together never exceed the contribution's USD value."""
    before = refunded_minor(contribution)
    return usd_share(contribution, before + minor) - usd_share(contribution, before)


def confirm_refund(actor: User | None, refund: Refund) -> bool:
    """The refund is made: book it (once) and settle the contribution's status."""
    if refund.status is RefundStatus.SUCCEEDED:
        return False
    contribution = db.session.get(Contribution, refund.contribution_id)
    assert contribution is not None
    ledger.lock()
    usd = _refund_usd(contribution, refund.amount.amount)
    refund.status = RefundStatus.SUCCEEDED
    refund.confirmed_at = clock.now()
    db.session.flush()
    if usd > 0:
        ledger.post(
            LedgerKind.REFUND,
            usd,
            actor=actor,
            original=refund.amount,
            contribution=contribution,
            refund=refund,
            source=f"refund:{refund.stripe_refund_id or refund.id}",
            description=refund.reason,
        )
    settle_status(actor, contribution)
    return True
