"""Refunds: money given back to a donor, and its life (one table, run through the transition
helper like every workflow):

    pending ──▶ succeeded ──▶ failed   (rarely: the card was closed; the money comes back)
       │
       ├──▶ failed
       └──▶ canceled

A refund asked for is held back from the available balance at once (``REFUND_HELD``), so that
the same money cannot be committed to an award while the provider makes the refund; the hold is
released when the refund succeeds (then booked at its USD value) or fails. A bank transfer's
refund is made by the fund's bank and recorded as made; a card refund is sent to the provider and
confirmed by its events. A refund made at the provider without us (its dashboard) is recorded when
its event arrives, held if it is still pending.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from meetings import clock
from meetings.audit.services import record
from meetings.auth.models import User
from meetings.auth.permissions import Permission, require
from meetings.errors import DomainError, NotFound
from meetings.extensions import db
from meetings.fund import contributions, earmarks, ledger, payments
from meetings.fund.contributions import C, lock_contribution, usd_share, usd_share_up
from meetings.fund.models import Contribution, LedgerKind, Refund, RefundStatus
from meetings.money import Money, format_money
from meetings.workflow import Workflow, by_permission

R = RefundStatus
FUND = frozenset({"fund_administrator"})
PROVIDER = contributions.PROVIDER

TRANSITIONS: dict[tuple[R, R], frozenset[str]] = {
    (R.PENDING, R.SUCCEEDED): FUND | PROVIDER,  # a fund administrator: a bank's refund, made
    (R.PENDING, R.FAILED): PROVIDER,
    # A fund administrator: a card refund the provider never received (sending it failed).
    (R.PENDING, R.CANCELED): FUND | PROVIDER,
    (R.SUCCEEDED, R.FAILED): PROVIDER,
}

WORKFLOW: Workflow[R, Refund] = Workflow(
    name="refund",
    table=TRANSITIONS,
    kinds=by_permission(fund_administrator=Permission.MANAGE_FUND),
    refusal=lambda current, target: _(
        "A refund that is “%(current)s” cannot become “%(target)s”.",
        current=current,
        target=target,
    ),
    not_allowed=lambda: _("Only the payment provider's own events can make this change."),
)

# Refunds that count against what is left to refund.
LIVE = (R.PENDING, R.SUCCEEDED)


def get_refund(actor: User, refund_id: int) -> Refund:
    require(actor, Permission.MANAGE_FUND)
    refund = db.session.get(Refund, refund_id)
    if refund is None:
        raise NotFound(_("There is no such refund."))
    return refund


def refundable(contribution: Contribution) -> Money:
    """What may still be refunded: the amount, less refunds made or on their way."""
    left = contribution.amount.amount - contributions.refunded_minor(contribution, *LIVE)
    return Money(max(left, 0), contribution.amount.currency)


def _hold_for(contribution: Contribution, minor: int) -> Money:
    """What a refund of ``minor`` holds back: its share of the contribution's USD value rounded
    up (at least what it will be booked at, whatever is refunded before it); the refund that
    gives back the last of the contribution holds exactly what is left of its value."""
    before = contributions.refunded_minor(contribution, *LIVE)
    if before + minor >= contribution.amount.amount:
        left = (contribution.usd_amount_minor or 0) - usd_share(contribution, before)
        return Money(max(1, left), "USD")
    return Money(max(1, usd_share_up(contribution, minor)), "USD")


def _hold(actor: User | None, contribution: Contribution, refund: Refund, hold: Money) -> None:
    refund.held_usd_minor = hold.amount
    db.session.flush()
    ledger.post(
        LedgerKind.REFUND_HELD,
        hold,
        actor=actor,
        original=refund.amount,
        contribution=contribution,
        refund=refund,
        earmark=earmarks.of_contribution(contribution),
        source=f"refund:{refund.id}:held",
        description=refund.reason,
    )


def _release_hold(actor: User | None, contribution: Contribution, refund: Refund) -> None:
    if refund.held_usd_minor <= 0 or ledger.already_posted(f"refund:{refund.id}:released"):
        return
    ledger.post(
        LedgerKind.REFUND_HOLD_RELEASED,
        Money(refund.held_usd_minor, "USD"),
        actor=actor,
        contribution=contribution,
        refund=refund,
        earmark=earmarks.of_contribution(contribution),
        source=f"refund:{refund.id}:released",
        description=refund.reason,
    )


def request_refund(actor: User, contribution: Contribution, amount: Money, reason: str) -> Refund:
    """A fund administrator gives money back. The refund is held back from the available
    balance at once; a bank transfer's refund is recorded as made, a card refund waits for the
    provider (:func:`send` asks it)."""
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
    hold = _hold_for(contribution, amount.amount)
    part = ledger.balances(earmark=earmarks.of_contribution(contribution))
    if hold > ledger.balances().available or hold > part.available:
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
    _hold(actor, contribution, refund, hold)
    if payments.provider(contribution.method).refunds_at_once:
        succeed(actor, refund)
    return refund


def send(refund: Refund) -> Refund:
    """Ask the provider to make a pending refund (again, safely: the provider makes one refund
    of ours once)."""
    contribution = db.session.get(Contribution, refund.contribution_id)
    assert contribution is not None
    if refund.status is R.PENDING:
        payments.provider(contribution.method).send_refund(contribution, refund)
    return refund


def succeed(actor: User | None, refund: Refund) -> bool:
    """The refund is made: book it at its USD value (once), release its hold, and settle the
    contribution's status. False when it had already succeeded."""
    if refund.status is R.SUCCEEDED:
        return False
    contribution = db.session.get(Contribution, refund.contribution_id)
    assert contribution is not None
    ledger.lock()
    before = contributions.refunded_minor(contribution)
    usd = usd_share(contribution, before + refund.amount.amount) - usd_share(contribution, before)
    WORKFLOW.move(actor, refund, R.SUCCEEDED)
    refund.usd_amount_minor = usd
    refund.confirmed_at = clock.now()
    db.session.flush()
    if usd > 0:
        ledger.post(
            LedgerKind.REFUND,
            Money(usd, "USD"),
            actor=actor,
            original=refund.amount,
            contribution=contribution,
            refund=refund,
            earmark=earmarks.of_contribution(contribution),
            source=f"refund:{refund.id}",
            description=refund.reason,
        )
    _release_hold(actor, contribution, refund)
    contributions.settle_status(actor, contribution)
    return True


def fail(refund: Refund, *, canceled: bool = False, reason: str = "") -> bool:
    """The provider did not make the refund (or took it back after it succeeded): the hold is
    released, or the money booked as refunded comes back. False when nothing changed."""
    target = R.CANCELED if canceled else R.FAILED
    if refund.status in (R.FAILED, R.CANCELED):
        return False
    contribution = db.session.get(Contribution, refund.contribution_id)
    assert contribution is not None
    ledger.lock()
    had_succeeded = refund.status is R.SUCCEEDED
    WORKFLOW.move(None, refund, target, reason=reason)
    refund.failure_reason = reason[:2000] or None
    refund.confirmed_at = clock.now()
    db.session.flush()
    if had_succeeded and refund.usd_amount_minor:
        ledger.post(
            LedgerKind.REFUND_RETURNED,
            Money(refund.usd_amount_minor, "USD"),
            actor=None,
            original=refund.amount,
            contribution=contribution,
            refund=refund,
            earmark=earmarks.of_contribution(contribution),
            source=f"refund:{refund.id}:returned",
            description=reason,
        )
    _release_hold(None, contribution, refund)
    contributions.settle_status(None, contribution, reason=reason)
    return True


def cancel(actor: User, refund: Refund, reason: str) -> None:
    """A fund administrator withdraws a card refund the provider never received (sending it
    failed): its hold is released. A refund the provider has cannot be withdrawn here."""
    from meetings.fund import references

    require(actor, Permission.MANAGE_FUND)
    if refund.status is not R.PENDING:
        raise DomainError(_("Only a refund waiting to be sent can be withdrawn."))
    if references.of_refund(refund) is not None:
        raise DomainError(
            _("The payment provider has this refund already: it is confirmed or fails there.")
        )
    if not reason.strip():
        raise DomainError(_("Give the reason for withdrawing the refund."), field="reason")
    contribution = db.session.get(Contribution, refund.contribution_id)
    assert contribution is not None
    ledger.lock()
    WORKFLOW.move(actor, refund, R.CANCELED, reason=reason)
    refund.failure_reason = reason.strip()[:2000]
    refund.confirmed_at = clock.now()
    db.session.flush()
    _release_hold(actor, contribution, refund)


def made_at_provider(contribution: Contribution, amount: Money, *, reason: str) -> Refund:
    """A refund the provider reports that we did not ask for (made in its dashboard): recorded,
    and held back until it succeeds. It may take the available balance below zero: the money
    has gone already."""
    hold = _hold_for(contribution, amount.amount)
    refund = Refund(contribution_id=contribution.id, amount=amount, reason=reason[:2000])
    db.session.add(refund)
    db.session.flush()
    record(None, "refund.reported", refund, after={"amount": str(amount)}, reason=reason)
    ledger.lock()
    _hold(None, contribution, refund, hold)
    return refund


def pending_refunds(*, older_than_hours: int = 24) -> list[Refund]:
    """Refunds still waiting for their provider after ``older_than_hours`` (for reconciling)."""
    from datetime import timedelta

    return list(
        db.session.scalars(
            sa.select(Refund)
            .where(
                Refund.status == R.PENDING,
                Refund.created_at < clock.now() - timedelta(hours=older_than_hours),
            )
            .order_by(Refund.id)
        )
    )
