"""The commit service: set money aside for a purpose (an award), release it, spend it.

Only money actually received can be committed: a commitment is refused when the fund's available
balance would go below zero — also when several administrators commit at the same moment (the
ledger's lock, and its unique sequence). A commitment sets aside the amount plus the programme
support cost that spending it will incur; each disbursement records the spending and its support
cost; what is left can be released.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from meetings.audit.services import record
from meetings.auth.models import User
from meetings.auth.permissions import Permission, require
from meetings.errors import DomainError, NotFound
from meetings.extensions import db
from meetings.fund import ledger
from meetings.fund.models import Commitment, LedgerKind
from meetings.money import Money, format_money


def _check_usd(amount: Money, field: str = "amount") -> None:
    if amount.currency != "USD":
        raise DomainError(_("Commitments are made in US dollars."), field=field)
    if amount.amount <= 0:
        raise DomainError(_("Enter an amount above zero."), field=field)


def _actor(actor: User | None) -> None:
    if actor is not None:
        require(actor, Permission.MANAGE_FUND)


def commitment_for(purpose: str) -> Commitment | None:
    return db.session.scalar(sa.select(Commitment).where(Commitment.purpose == purpose))


def get_commitment(commitment_id: int) -> Commitment:
    commitment = db.session.get(Commitment, commitment_id)
    if commitment is None:
        raise NotFound(_("There is no such commitment."))
    return commitment


def commit(
    actor: User | None,
    *,
    purpose: str,
    amount: Money,
    description: str,
    on: date | None = None,
) -> Commitment:
    """Set aside ``amount`` (USD) and its support cost for ``purpose`` (e.g.
    ``sponsorship-application:17``); committing again for the same purpose adds to it."""
    _actor(actor)
    _check_usd(amount)
    ledger.lock()
    commitment = commitment_for(purpose)
    if commitment is None:
        commitment = Commitment(
            purpose=purpose,
            description=description[:300],
            support_cost_basis_points=ledger.support_cost_basis_points(),
            created_by_id=actor.id if actor else None,
        )
        db.session.add(commitment)
        db.session.flush()
    reserve = amount.amount + ledger.support_cost(
        amount.amount, commitment.support_cost_basis_points, reserve=True
    )
    available = ledger.balances().available
    if reserve > available:
        raise DomainError(
            _(
                "The fund has %(available)s available to commit; this needs %(needed)s "
                "(%(amount)s plus programme support cost).",
                available=format_money(Money(max(available, 0), "USD")),
                needed=format_money(Money(reserve, "USD")),
                amount=format_money(amount),
            ),
            field="amount",
        )
    ledger.post(
        LedgerKind.AWARD_COMMITTED,
        reserve,
        actor=actor,
        commitment=commitment,
        description=description,
        occurred_on=on,
    )
    record(actor, "commitment.committed", commitment, after={"usd_minor": reserve})
    return commitment


def outstanding(commitment: Commitment) -> Money:
    """What is still set aside for ``commitment``."""
    return ledger.commitment_balances(commitment).usd("committed")


def spent(commitment: Commitment) -> Money:
    """What was disbursed against ``commitment`` (support costs not included)."""
    return ledger.commitment_balances(commitment).usd("disbursed")


def release(
    actor: User | None,
    commitment: Commitment,
    amount: Money | None = None,
    *,
    reason: str,
    on: date | None = None,
) -> Money:
    """Give back to the fund ``amount`` of what is set aside (all of it when None)."""
    _actor(actor)
    ledger.lock()
    left = outstanding(commitment)
    to_release = left if amount is None else amount
    if amount is not None:
        _check_usd(amount)
    if to_release.amount <= 0:
        return Money.zero("USD")
    if to_release > left:
        raise DomainError(
            _(
                "Only %(left)s is set aside for this; %(amount)s cannot be released.",
                left=format_money(left),
                amount=format_money(to_release),
            ),
            field="amount",
        )
    ledger.post(
        LedgerKind.COMMITMENT_RELEASED,
        to_release.amount,
        actor=actor,
        commitment=commitment,
        description=reason,
        occurred_on=on,
    )
    record(
        actor,
        "commitment.released",
        commitment,
        after={"usd_minor": to_release.amount},
        reason=reason,
    )
    return to_release


def disburse(
    actor: User | None,
    commitment: Commitment,
    amount: Money,
    *,
    description: str,
    on: date | None = None,
) -> Money:
    """Record money paid out against ``commitment`` (a ticket, the DSA) and its support cost.
    Refused when more than is set aside: commit the difference first."""
    _actor(actor)
    _check_usd(amount)
    ledger.lock()
    balances = ledger.commitment_balances(commitment)
    rate = commitment.support_cost_basis_points
    cost = ledger.support_cost(balances.disbursed + amount.amount, rate) - ledger.support_cost(
        balances.disbursed, rate
    )
    if amount.amount + cost > balances.committed:
        raise DomainError(
            _(
                "%(amount)s and its support cost exceed the %(left)s set aside; commit the "
                "difference first.",
                amount=format_money(amount),
                left=format_money(balances.usd("committed")),
            ),
            field="amount",
        )
    ledger.post(
        LedgerKind.DISBURSEMENT,
        amount.amount,
        actor=actor,
        commitment=commitment,
        description=description,
        occurred_on=on,
    )
    if cost > 0:
        ledger.post(
            LedgerKind.SUPPORT_COST,
            cost,
            actor=actor,
            commitment=commitment,
            description=description,
            occurred_on=on,
        )
    record(
        actor,
        "commitment.disbursed",
        commitment,
        after={"usd_minor": amount.amount, "support_cost_minor": cost},
        reason=description,
    )
    return Money(cost, "USD")
