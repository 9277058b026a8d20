"""The ledger: every movement of the fund's money, in USD minor units, append-only. Every balance
on every page is summed from it here; nothing else stores a balance.

    received      Σ contribution received (gross: what donors gave, at the operational rate)
    refunded      Σ refund − Σ refund returned (a refund that failed after it succeeded)
    disputed      Σ withdrawn for a dispute − Σ reinstated (won)
    given         received − refunded − disputed: what donors gave and the fund kept; the one
                  figure of "given" that statements, the public page and reports use
    fees          Σ the payment provider's fees − Σ fees it gave back
    exchange      Σ exchange gains − Σ exchange losses (the provider converted at another rate)
    held          Σ refunds held back − Σ holds released (refunds asked for, not yet confirmed)
    committed     Σ award committed − Σ released − Σ disbursed − Σ support costs (what is still
                  set aside; spending moves money from "committed" to "disbursed")
    disbursed     Σ disbursement
    support costs Σ programme support cost
    available     given − fees + exchange − held − committed − disbursed − support costs

Each entry carries the earmark of the money it moves (:mod:`meetings.fund.earmarks`): the
balances of one part of the fund are the same sums over that part's entries.

Writers call :func:`lock` first: on PostgreSQL it takes the fund row's lock, so that checking a
balance and appending the entry that depends on it happen for one writer at a time; on SQLite the
transaction already holds the database's write lock (``BEGIN IMMEDIATE``). The entry's
``sequence`` is unique, so two writers that read the same balances could not both append.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import current_app

from meetings import clock
from meetings.auth.models import User
from meetings.extensions import db
from meetings.fund.earmarks import GENERAL, Earmark
from meetings.fund.models import (
    Commitment,
    Contribution,
    Dispute,
    Fund,
    LedgerEntry,
    LedgerKind,
    Refund,
)
from meetings.money import Money, require_usd

K = LedgerKind
T = TypeVar("T")


def _usd(minor: int) -> Money:
    return Money(minor, "USD")


@dataclass(frozen=True)
class Balances:
    """Sums of the ledger by kind of entry (USD minor units), and the balances made of them."""

    sums: dict[LedgerKind, int]

    def _sum(self, kind: LedgerKind) -> int:
        return self.sums.get(kind, 0)

    @property
    def received(self) -> Money:
        return _usd(self._sum(K.CONTRIBUTION_RECEIVED))

    @property
    def refunded(self) -> Money:
        return _usd(self._sum(K.REFUND) - self._sum(K.REFUND_RETURNED))

    @property
    def disputed(self) -> Money:
        return _usd(self._sum(K.DISPUTE_WITHDRAWN) - self._sum(K.DISPUTE_REVERSED))

    @property
    def given(self) -> Money:
        return self.received - self.refunded - self.disputed

    @property
    def fees(self) -> Money:
        return _usd(self._sum(K.PAYMENT_FEE) - self._sum(K.PAYMENT_FEE_RETURNED))

    @property
    def exchange(self) -> Money:
        return _usd(self._sum(K.EXCHANGE_GAIN) - self._sum(K.EXCHANGE_LOSS))

    @property
    def held(self) -> Money:
        return _usd(self._sum(K.REFUND_HELD) - self._sum(K.REFUND_HOLD_RELEASED))

    @property
    def disbursed(self) -> Money:
        return _usd(self._sum(K.DISBURSEMENT))

    @property
    def support_costs(self) -> Money:
        return _usd(self._sum(K.SUPPORT_COST))

    @property
    def committed(self) -> Money:
        return (
            _usd(self._sum(K.AWARD_COMMITTED) - self._sum(K.COMMITMENT_RELEASED))
            - self.disbursed
            - self.support_costs
        )

    @property
    def spent(self) -> Money:
        """Paid out, with the support costs of what was paid out."""
        return self.disbursed + self.support_costs

    @property
    def available(self) -> Money:
        return (
            self.given
            - self.fees
            + self.exchange
            - self.held
            - self.committed
            - self.disbursed
            - self.support_costs
        )

    @property
    def is_empty(self) -> bool:
        return not any(self.sums.values())


def _sums(*conditions: sa.ColumnElement[bool]) -> dict[LedgerKind, int]:
    rows = db.session.execute(
        sa.select(LedgerEntry.kind, sa.func.sum(LedgerEntry.usd_amount_minor))
        .where(*conditions)
        .group_by(LedgerEntry.kind)
    ).all()
    return {LedgerKind(kind): int(total or 0) for kind, total in rows}


def _of(earmark: Earmark) -> list[sa.ColumnElement[bool]]:
    return [
        LedgerEntry.earmark_meeting_id.is_(None)
        if earmark.meeting_id is None
        else LedgerEntry.earmark_meeting_id == earmark.meeting_id,
        LedgerEntry.earmark_process_id.is_(None)
        if earmark.process_id is None
        else LedgerEntry.earmark_process_id == earmark.process_id,
    ]


def balances(*, until: date | None = None, earmark: Earmark | None = None) -> Balances:
    """The fund's balances now (one query), or as they stood at the end of ``until``; of one
    part of the fund when ``earmark`` is given."""
    conditions = [LedgerEntry.occurred_on <= until] if until is not None else []
    if earmark is not None:
        conditions += _of(earmark)
    return Balances(_sums(*conditions))


def _by_earmark(*conditions: sa.ColumnElement[bool]) -> dict[Earmark, Balances]:
    rows = db.session.execute(
        sa.select(
            LedgerEntry.earmark_meeting_id,
            LedgerEntry.earmark_process_id,
            LedgerEntry.kind,
            sa.func.sum(LedgerEntry.usd_amount_minor),
        )
        .where(*conditions)
        .group_by(LedgerEntry.earmark_meeting_id, LedgerEntry.earmark_process_id, LedgerEntry.kind)
    ).all()
    sums: dict[Earmark, dict[LedgerKind, int]] = {}
    for meeting_id, process_id, kind, total in rows:
        sums.setdefault(Earmark(meeting_id, process_id), {})[LedgerKind(kind)] = int(total or 0)
    return {earmark: Balances(value) for earmark, value in sums.items()}


def parts() -> dict[Earmark, Balances]:
    """The balances of each part of the fund (earmarked and not), in one query."""
    return _by_earmark()


def available_for(earmarks: Sequence[Earmark]) -> Money:
    """What may be committed now to a purpose that may draw on ``earmarks``: what those parts
    hold, and never more than the whole fund has (a part taken below zero is covered first)."""
    return free_in(parts(), earmarks)


def free_in(found: dict[Earmark, Balances], earmarks: Sequence[Earmark]) -> Money:
    zero = _usd(0)
    overall = sum((b.available for b in found.values()), zero)
    eligible = sum((max(found[e].available, zero) for e in earmarks if e in found), zero)
    return min(eligible, max(overall, zero))


def commitment_balances(commitment: Commitment) -> Balances:
    return Balances(_sums(LedgerEntry.commitment_id == commitment.id))


def commitment_parts(commitment: Commitment) -> dict[Earmark, Balances]:
    """What ``commitment`` holds of each part of the fund it drew on."""
    return _by_earmark(LedgerEntry.commitment_id == commitment.id)


def lock() -> None:
    """Serialise writers of the ledger (see the module's documentation)."""
    db.session.execute(sa.select(Fund.id).where(Fund.id == 1).with_for_update())


def post(
    kind: LedgerKind,
    usd: Money,
    *,
    actor: User | None,
    original: Money | None = None,
    contribution: Contribution | None = None,
    refund: Refund | None = None,
    dispute: Dispute | None = None,
    commitment: Commitment | None = None,
    earmark: Earmark = GENERAL,
    source: str | None = None,
    description: str = "",
    occurred_on: date | None = None,
) -> LedgerEntry:
    """Append one entry moving ``usd`` (a US dollar amount above zero) on ``occurred_on``,
    today by default. The caller has taken :func:`lock` and checked what must be checked."""
    require_usd(usd)
    sequence = (db.session.scalar(sa.select(sa.func.max(LedgerEntry.sequence))) or 0) + 1
    entry = LedgerEntry(
        sequence=sequence,
        kind=kind,
        usd_amount_minor=usd.amount,
        original_amount_minor=original.amount if original else None,
        original_currency=original.currency if original else None,
        contribution_id=contribution.id if contribution else None,
        refund_id=refund.id if refund else None,
        dispute_id=dispute.id if dispute else None,
        commitment_id=commitment.id if commitment else None,
        earmark_meeting_id=earmark.meeting_id,
        earmark_process_id=earmark.process_id,
        source=source,
        description=description[:300],
        occurred_on=occurred_on or clock.now().date(),
        recorded_by_id=actor.id if actor else None,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


# --- sums kept while the ledger is unchanged ------------------------------------------------------

KEPT_SUMS = 64  # kinds of sums x ledger states kept per process, at most


def head() -> tuple[int, int, datetime] | None:
    """The ledger's last entry (its sequence, id and when it was recorded), one indexed lookup.
    The ledger is append-only and its writers take turns (:func:`lock`), committing in sequence
    order, so this names everything in it; the id and time tell apart a ledger restored from a
    backup and written again up to the same sequence."""
    row = db.session.execute(
        sa.select(LedgerEntry.sequence, LedgerEntry.id, LedgerEntry.recorded_at)
        .order_by(LedgerEntry.sequence.desc())
        .limit(1)
    ).first()
    return (row[0], row[1], row[2]) if row is not None else None


def kept_while_unchanged(name: str, build: Callable[[], T]) -> T:
    """``build()`` (a sum over the whole ledger, as plain data: no ORM objects), kept in the
    process for as long as the ledger's head is the same; a new entry in any process is a new
    head. Kept only when the head was the same before and after the build, so a sum never
    names a ledger it did not see."""
    kept: dict[tuple[str, object], Any] = current_app.extensions.setdefault(
        "meetings_ledger_sums", {}
    )
    before = head()
    if (name, before) in kept:
        return kept[(name, before)]  # type: ignore[no-any-return]
    value = build()
    if head() == before:
        if len(kept) >= KEPT_SUMS:
            kept.clear()
        kept[(name, before)] = value
    return value


def forget_kept_sums() -> None:
    """Forget every kept sum of this process (tests that roll the database back)."""
    current_app.extensions.pop("meetings_ledger_sums", None)


def already_posted(source: str) -> bool:
    return (
        db.session.scalar(sa.select(LedgerEntry.id).where(LedgerEntry.source == source)) is not None
    )


# --- programme support cost ----------------------------------------------------------------------


def support_cost_basis_points() -> int:
    """MEETINGS_FUND_SUPPORT_COST_PERCENT (13 by default) in hundredths of a percent."""
    percent = Decimal(str(current_app.config["FUND_SUPPORT_COST_PERCENT"]))
    return int((percent * 100).to_integral_value())


def support_cost(spending: Money, basis_points: int, *, reserve: bool = False) -> Money:
    """The support cost of spending ``spending`` (USD): rounded half up, or up when reserving
    (so that what is set aside always covers what the spending will cost)."""
    require_usd(spending, allow_zero=True)
    exact = Decimal(spending.amount) * basis_points / 10_000
    rounding = ROUND_CEILING if reserve else ROUND_HALF_UP
    return _usd(int(exact.to_integral_value(rounding=rounding)))


def with_support_cost(spending: Money, basis_points: int | None = None) -> Money:
    """What committing ``spending`` sets aside: the amount and the support cost its spending
    will incur (rounded up). The one figure shown for an award, everywhere."""
    rate = support_cost_basis_points() if basis_points is None else basis_points
    return spending + support_cost(spending, rate, reserve=True)


def commitments_balances(commitment_ids: list[int]) -> dict[int, Balances]:
    """The balances of each of these commitments, in one query (for reports and lists)."""
    if not commitment_ids:
        return {}
    rows = db.session.execute(
        sa.select(
            LedgerEntry.commitment_id, LedgerEntry.kind, sa.func.sum(LedgerEntry.usd_amount_minor)
        )
        .where(LedgerEntry.commitment_id.in_(set(commitment_ids)))
        .group_by(LedgerEntry.commitment_id, LedgerEntry.kind)
    ).all()
    sums: dict[int, dict[LedgerKind, int]] = {}
    for commitment_id, kind, total in rows:
        sums.setdefault(int(commitment_id), {})[LedgerKind(kind)] = int(total or 0)
    return {key: Balances(value) for key, value in sums.items()}
