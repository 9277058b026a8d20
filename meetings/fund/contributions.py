"""Contributions: money received, by bank transfer (recorded by hand, with the bank's advice) or
by card (recorded when the payment provider's event says it was paid).

A contribution's status follows from what is known of it — received or not, how much was
refunded, whether a dispute is open or was lost — so that the same facts, learned in any order,
end in the same status (:func:`settle_status`). Every change of status goes through the one
transition table below and is audited; every movement of money is one ledger entry, booked once.
Money a provider received is always booked: also on a contribution whose checkout had expired or
failed, and a second payment of the same gift becomes a contribution of its own, flagged.
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
from meetings.fund import earmarks, ledger, notices, rates
from meetings.fund.donors import can_see_donor
from meetings.fund.models import (
    OPEN_DISPUTES,
    Contribution,
    ContributionStatus,
    Dispute,
    DisputeStatus,
    Donor,
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
# A kind no person holds: only the payment provider's events (the system) make these moves.
PROVIDER = frozenset({"payment_provider"})
BOTH = FUND | PROVIDER

# The one table of a contribution's life. Refunds and disputes may arrive in any order: each
# status below is reachable from any status the same facts could have produced before. A
# payment the provider received after its checkout expired or failed is received all the same.
TRANSITIONS: dict[tuple[C, C], frozenset[str]] = {
    (C.PENDING, C.RECEIVED): BOTH,
    (C.PENDING, C.FAILED): PROVIDER,
    (C.PENDING, C.EXPIRED): PROVIDER,
    (C.FAILED, C.RECEIVED): PROVIDER,
    (C.EXPIRED, C.RECEIVED): PROVIDER,
    (C.RECEIVED, C.PARTLY_REFUNDED): BOTH,
    (C.RECEIVED, C.REFUNDED): BOTH,
    (C.PARTLY_REFUNDED, C.REFUNDED): BOTH,
    (C.PARTLY_REFUNDED, C.RECEIVED): PROVIDER,
    (C.REFUNDED, C.PARTLY_REFUNDED): PROVIDER,
    (C.REFUNDED, C.RECEIVED): PROVIDER,
    (C.RECEIVED, C.DISPUTED): PROVIDER,
    (C.PARTLY_REFUNDED, C.DISPUTED): PROVIDER,
    (C.REFUNDED, C.DISPUTED): PROVIDER,
    (C.DISPUTED, C.RECEIVED): PROVIDER,
    (C.DISPUTED, C.PARTLY_REFUNDED): PROVIDER,
    (C.DISPUTED, C.REFUNDED): PROVIDER,
    (C.DISPUTED, C.DISPUTE_LOST): PROVIDER,
    (C.RECEIVED, C.DISPUTE_LOST): PROVIDER,
    (C.PARTLY_REFUNDED, C.DISPUTE_LOST): PROVIDER,
    (C.REFUNDED, C.DISPUTE_LOST): PROVIDER,
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
    not_allowed=lambda: _("Only the payment provider's own events can make this change."),
)

# Statuses in which the money arrived.
HAS_ARRIVED = frozenset({C.RECEIVED, C.PARTLY_REFUNDED, C.REFUNDED, C.DISPUTED, C.DISPUTE_LOST})


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


def refunded_minor(contribution: Contribution, *statuses: RefundStatus) -> int:
    """What was refunded of ``contribution`` (succeeded refunds, or those of ``statuses``), in
    its own currency."""
    wanted = statuses or (RefundStatus.SUCCEEDED,)
    return int(
        db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(Refund.amount_minor), 0)).where(
                Refund.contribution_id == contribution.id, Refund.status.in_(wanted)
            )
        )
        or 0
    )


def _dispute_statuses(contribution: Contribution) -> set[DisputeStatus]:
    return set(
        db.session.scalars(
            sa.select(Dispute.status).where(Dispute.contribution_id == contribution.id)
        )
    )


def status_from_facts(contribution: Contribution) -> C:
    """The status the known facts make: a lost dispute shows; then an open one (an inquiry
    too); then how much was refunded."""
    if contribution.status not in HAS_ARRIVED:
        return contribution.status
    disputes = _dispute_statuses(contribution)
    if DisputeStatus.LOST in disputes:
        return C.DISPUTE_LOST
    if disputes & set(OPEN_DISPUTES):
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


def usd_share_up(contribution: Contribution, minor: int) -> int:
    """:func:`usd_share`, rounded up: never less than any increment of the shares it covers."""
    usd_total = contribution.usd_amount_minor or 0
    total = contribution.amount.amount
    return -((-usd_total * minor) // total)


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
    if contribution.status in HAS_ARRIVED:
        return False
    if received is not None and received != contribution.amount:
        _flag(
            contribution,
            _(
                "We asked for %(asked)s; %(received)s was received.",
                asked=format_money(contribution.amount),
                received=format_money(received),
            ),
        )
        contribution.amount = received
    rate, rate_date = _rate(contribution, value_date)
    ledger.lock()
    contribution.units_per_usd = rate
    contribution.rate_date = rate_date
    contribution.value_date = value_date
    contribution.usd_amount_minor = max(1, rates.usd_value(contribution.amount, rate))
    contribution.received_at = clock.now()
    if contribution.method is PaymentMethod.BANK_TRANSFER:
        contribution.settled_at = contribution.received_at  # no fee is kept on the way
    contribution.receipt_number = (
        db.session.scalar(sa.select(sa.func.max(Contribution.receipt_number))) or 0
    ) + 1
    WORKFLOW.move(actor, contribution, C.RECEIVED, reason=reason)
    ledger.post(
        LedgerKind.CONTRIBUTION_RECEIVED,
        contribution.usd or Money.zero("USD"),
        actor=actor,
        original=contribution.amount,
        contribution=contribution,
        earmark=earmarks.of_contribution(contribution),
        source=f"contribution:{contribution.id}:received",
        description=contribution.donor.name,
        occurred_on=value_date,
    )
    notices.receipt(contribution)
    return True


def _flag(contribution: Contribution, note: str) -> None:
    contribution.mismatch = f"{contribution.mismatch} {note}" if contribution.mismatch else note


def _rate(contribution: Contribution, value_date: date) -> tuple[Decimal, date]:
    """The operational rate in force on the day of receipt. Card money that arrived in a month
    whose rate is not entered yet (a payment begun on the last evening of a month) is booked at
    the rate in force when the donor began to pay, and flagged."""
    try:
        return rates.rate_in_force(contribution.amount.currency, value_date)
    except rates.NoRate:
        started_with = contribution.units_per_usd, contribution.rate_date
        if contribution.method is PaymentMethod.BANK_TRANSFER or started_with[0] is None:
            raise
    rate, since = started_with
    assert rate is not None
    assert since is not None
    _flag(
        contribution,
        _(
            "Valued at the rate in force when the payment began (from %(day)s): no rate for "
            "%(month)s had been entered when the money arrived.",
            day=since.isoformat(),
            month=value_date.strftime("%Y-%m"),
        ),
    )
    return rate, since


def second_payment(original: Contribution, paid: Money) -> Contribution:
    """A payment the donor made again for a gift already received (a second checkout of the
    same form): money received all the same, booked as a contribution of its own and flagged,
    for the fund administrators to refund or keep."""
    copy = Contribution(
        donor_id=original.donor_id,
        donor=original.donor,
        pledge_id=original.pledge_id,
        amount=paid,
        method=original.method,
        units_per_usd=original.units_per_usd,
        rate_date=original.rate_date,
        mismatch=str(
            _(
                "The donor paid a second time for the gift of receipt %(number)s: refund this "
                "payment or keep it with the donor's agreement.",
                number=original.receipt_label,
            )
        ),
    )
    db.session.add(copy)
    db.session.flush()
    record(None, "contribution.paid_twice", copy, after={"original": original.id})
    return copy


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
