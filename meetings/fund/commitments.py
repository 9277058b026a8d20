"""The commit service: set money aside for a purpose (an award), release it, spend it.

Only money actually received can be committed: a commitment is refused when the parts of the fund
it may draw on have not enough available — also when several administrators commit at the same
moment (the ledger's lock, and its unique sequence). A commitment sets aside the amount plus the
programme support cost that spending it will incur; each disbursement records the spending and
its support cost; what is left can be released.

A purpose may draw on several parts of the fund (:mod:`meetings.fund.earmarks`): an award of a
meeting on money earmarked for the meeting, then for its process, then on the fund's own. The
entries of a commitment say which part each sum came from, so that spending uses restricted money
first and a release gives each part back what it lent.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from meetings.audit.services import record
from meetings.auth.models import User
from meetings.auth.permissions import Permission, require
from meetings.errors import DomainError, NotFound
from meetings.extensions import db
from meetings.fund import earmarks, ledger
from meetings.fund.earmarks import GENERAL, Earmark
from meetings.fund.models import Commitment, LedgerKind
from meetings.money import Money, format_money, require_usd

ZERO = Money.zero("USD")


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


def split(
    amount: Money, capacities: Iterable[tuple[Earmark, Money]]
) -> list[tuple[Earmark, Money]]:
    """``amount`` taken from each part in turn, as far as its capacity goes (what is left over,
    if the capacities do not cover it, is not taken)."""
    pieces: list[tuple[Earmark, Money]] = []
    left = amount
    for earmark, capacity in capacities:
        if left.amount <= 0:
            break
        part = min(left, capacity) if capacity.amount > 0 else ZERO
        if part.amount > 0:
            pieces.append((earmark, part))
            left -= part
    return pieces


def commit(
    actor: User | None,
    *,
    purpose: str,
    amount: Money,
    description: str,
    draws_on: Sequence[Earmark] = (GENERAL,),
    on: date | None = None,
) -> Commitment:
    """Set aside ``amount`` (USD) and its support cost for ``purpose`` (e.g.
    ``sponsorship-application:17``), from the parts of the fund in ``draws_on``, in that order;
    committing again for the same purpose adds to it."""
    _actor(actor)
    require_usd(amount)
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
    reserve = ledger.with_support_cost(amount, commitment.support_cost_basis_points)
    found = ledger.parts()
    refuse_unless_free(
        amount, draws_on, basis_points=commitment.support_cost_basis_points, found=found
    )
    capacities = [(e, found[e].available if e in found else ZERO) for e in draws_on]
    for earmark, part in split(reserve, capacities):
        ledger.post(
            LedgerKind.AWARD_COMMITTED,
            part,
            actor=actor,
            commitment=commitment,
            earmark=earmark,
            description=description,
            occurred_on=on,
        )
    record(actor, "commitment.committed", commitment, after={"usd_minor": reserve.amount})
    return commitment


def refuse_unless_free(
    amount: Money,
    draws_on: Sequence[Earmark],
    *,
    basis_points: int | None = None,
    found: dict[Earmark, ledger.Balances] | None = None,
    field: str = "amount",
) -> None:
    """DomainError, with the figures, unless the parts of the fund in ``draws_on`` have
    ``amount`` and its support cost free to commit."""
    reserve = ledger.with_support_cost(amount, basis_points)
    parts = ledger.parts() if found is None else found
    free = ledger.free_in(parts, draws_on)
    if reserve > free:
        raise DomainError(_shortfall(free, reserve, amount, draws_on, parts), field=field)


def _shortfall(
    free: Money,
    reserve: Money,
    amount: Money,
    draws_on: Sequence[Earmark],
    found: dict[Earmark, ledger.Balances],
) -> str:
    message = str(
        _(
            "The fund has %(available)s available to commit; this needs %(needed)s "
            "(%(amount)s plus programme support cost).",
            available=format_money(free),
            needed=format_money(reserve),
            amount=format_money(amount),
        )
    )
    elsewhere = sum((max(b.available, ZERO) for e, b in found.items() if e not in draws_on), ZERO)
    if elsewhere.amount > 0:
        message += " " + _(
            "A further %(elsewhere)s is earmarked by its donors for other meetings or "
            "processes and cannot pay for this.",
            elsewhere=format_money(elsewhere),
        )
    return message


def outstanding(commitment: Commitment) -> Money:
    """What is still set aside for ``commitment``."""
    return ledger.commitment_balances(commitment).committed


def spent(commitment: Commitment) -> Money:
    """What was disbursed against ``commitment`` (support costs not included)."""
    return ledger.commitment_balances(commitment).disbursed


def release(
    actor: User | None,
    commitment: Commitment,
    amount: Money | None = None,
    *,
    reason: str,
    on: date | None = None,
) -> Money:
    """Give back to the fund ``amount`` of what is set aside (all of it when None); each part
    of the fund gets back what it lent, unrestricted money first."""
    _actor(actor)
    if amount is not None:
        require_usd(amount)
    ledger.lock()
    held = {e: b.committed for e, b in ledger.commitment_parts(commitment).items()}
    left = sum(held.values(), ZERO)
    to_release = left if amount is None else amount
    if to_release.amount <= 0:
        return ZERO
    if to_release > left:
        raise DomainError(
            _(
                "Only %(left)s is set aside for this; %(amount)s cannot be released.",
                left=format_money(left),
                amount=format_money(to_release),
            ),
            field="amount",
        )
    order = earmarks.release_order(list(held))
    for earmark, part in split(to_release, [(e, held[e]) for e in order]):
        ledger.post(
            LedgerKind.COMMITMENT_RELEASED,
            part,
            actor=actor,
            commitment=commitment,
            earmark=earmark,
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
    """Record money paid out against ``commitment`` (a ticket, the DSA) and its support cost,
    restricted money first. Refused when more than is set aside: commit the difference first.
    Returns the support cost."""
    _actor(actor)
    require_usd(amount)
    ledger.lock()
    by_part = ledger.commitment_parts(commitment)
    balances = ledger.commitment_balances(commitment)
    rate = commitment.support_cost_basis_points
    cost = ledger.support_cost(balances.disbursed + amount, rate) - ledger.support_cost(
        balances.disbursed, rate
    )
    if amount + cost > balances.committed:
        raise DomainError(
            _(
                "%(amount)s and its support cost exceed the %(left)s set aside; commit the "
                "difference first.",
                amount=format_money(amount),
                left=format_money(balances.committed),
            ),
            field="amount",
        )
    order = earmarks.spending_order(list(by_part))
    capacities = [(e, by_part[e].committed) for e in order]
    paid = split(amount, capacities)
    used = dict(paid)
    for earmark, part in paid:
        ledger.post(
            LedgerKind.DISBURSEMENT,
            part,
            actor=actor,
            commitment=commitment,
            earmark=earmark,
            description=description,
            occurred_on=on,
        )
    remaining = [(e, c - used.get(e, ZERO)) for e, c in capacities]
    for earmark, part in split(cost, remaining):
        ledger.post(
            LedgerKind.SUPPORT_COST,
            part,
            actor=actor,
            commitment=commitment,
            earmark=earmark,
            description=description,
            occurred_on=on,
        )
    record(
        actor,
        "commitment.disbursed",
        commitment,
        after={"usd_minor": amount.amount, "support_cost_minor": cost.amount},
        reason=description,
    )
    return cost
