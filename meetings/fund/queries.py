"""Reading the fund: its page, the public page, a donor's own records. Each issues a fixed number
of queries, whatever the number of contributions; every amount of money comes from the ledger."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from meetings.auth.models import User
from meetings.auth.permissions import Permission, require
from meetings.extensions import db
from meetings.fund import ledger, pledges
from meetings.fund.earmarks import Earmark
from meetings.fund.models import (
    Contribution,
    ContributionStatus,
    Donor,
    DonorKind,
    EventOutcome,
    LedgerEntry,
    LedgerKind,
    PaymentEvent,
    Pledge,
    PledgeStatus,
)
from meetings.money import Money
from meetings.pagination import Page, paginate
from meetings.schedule.models import Meeting, Process

K = LedgerKind
# What a donor gave, net of refunds and lost disputes: the one definition of "given", the same
# as ``ledger.Balances.given`` (statements, the public page, the chart and the reports use it).
GIVEN_SIGNS = {
    K.CONTRIBUTION_RECEIVED: 1,
    K.REFUND: -1,
    K.REFUND_RETURNED: 1,
    K.DISPUTE_WITHDRAWN: -1,
    K.DISPUTE_REVERSED: 1,
}
_NET_GIVEN = sa.case(
    *[
        (LedgerEntry.kind == kind, sign * LedgerEntry.usd_amount_minor)
        for kind, sign in GIVEN_SIGNS.items()
    ],
    else_=0,
)


@dataclass(frozen=True)
class DonorTotal:
    donor: Donor
    given: Money
    contributions: int


def given_by_donor(*conditions: Any) -> list[DonorTotal]:
    """What each donor gave, net of refunds and lost disputes, largest first (two queries).
    ``conditions`` may name ``Contribution`` and ``LedgerEntry`` columns; the totals of the
    whole ledger are kept while it is unchanged (``ledger.kept_while_unchanged``)."""
    totals = (
        _donor_totals(*conditions)
        if conditions
        else ledger.kept_while_unchanged("given_by_donor", _donor_totals)
    )
    donors = {
        donor.id: donor
        for donor in db.session.scalars(
            sa.select(Donor).where(Donor.id.in_([donor_id for donor_id, _g, _c in totals]))
        )
    }
    found = [
        DonorTotal(donors[donor_id], Money(given, "USD"), count)
        for donor_id, given, count in totals
        if donor_id in donors
    ]
    return sorted(found, key=lambda row: (-row.given.amount, row.donor.name))


def _donor_totals(*conditions: Any) -> list[tuple[int, int, int]]:
    """(donor id, USD minor units given, contributions) for every donor who gave."""
    rows = db.session.execute(
        sa.select(
            Contribution.donor_id,
            sa.func.sum(_NET_GIVEN),
            sa.func.count(sa.distinct(LedgerEntry.contribution_id)),
        )
        .join(LedgerEntry, LedgerEntry.contribution_id == Contribution.id)
        .where(*conditions)
        .group_by(Contribution.donor_id)
    ).all()
    return [(int(donor_id), int(given or 0), int(count)) for donor_id, given, count in rows]


@dataclass(frozen=True)
class MonthRow:
    month: date
    received: Money  # gross, at the operational rate
    returned: Money  # refunds and disputes, less what came back
    given: Money  # received − returned
    committed: Money  # set aside for awards, less releases
    given_to_date: Money
    committed_to_date: Money


def months() -> list[MonthRow]:
    """Money given (received, less refunds and disputes) and money committed (net of releases)
    per month, and their running totals: the chart's data and the table beside it (one query;
    kept while the ledger is unchanged)."""
    return ledger.kept_while_unchanged("months", _months)


def _months() -> list[MonthRow]:
    year = sa.extract("year", LedgerEntry.occurred_on)
    month = sa.extract("month", LedgerEntry.occurred_on)
    wanted = [*GIVEN_SIGNS, K.AWARD_COMMITTED, K.COMMITMENT_RELEASED]
    rows = db.session.execute(
        sa.select(year, month, LedgerEntry.kind, sa.func.sum(LedgerEntry.usd_amount_minor))
        .where(LedgerEntry.kind.in_(wanted))
        .group_by(year, month, LedgerEntry.kind)
        .order_by(year, month)
    ).all()
    per_month: dict[date, dict[LedgerKind, int]] = {}
    for y, m, kind, total in rows:
        per_month.setdefault(date(int(y), int(m), 1), {})[LedgerKind(kind)] = int(total or 0)
    result, given_total, committed_total = [], 0, 0
    for day in sorted(per_month):
        sums = per_month[day]
        received = sums.get(K.CONTRIBUTION_RECEIVED, 0)
        given = sum(sign * sums.get(kind, 0) for kind, sign in GIVEN_SIGNS.items())
        committed = sums.get(K.AWARD_COMMITTED, 0) - sums.get(K.COMMITMENT_RELEASED, 0)
        given_total += given
        committed_total += committed
        result.append(
            MonthRow(
                day,
                Money(received, "USD"),
                Money(received - given, "USD"),
                Money(given, "USD"),
                Money(committed, "USD"),
                Money(given_total, "USD"),
                Money(committed_total, "USD"),
            )
        )
    return result


@dataclass(frozen=True)
class PartRow:
    """One part of the fund (earmarked for a meeting or a process, or the fund's own)."""

    earmark: Earmark
    name: str
    balances: ledger.Balances


def parts() -> list[PartRow]:
    """The balances of each part of the fund, the fund's own first (two queries at most)."""
    found = ledger.parts()
    meetings = {
        m.id: m
        for m in db.session.scalars(
            sa.select(Meeting).where(Meeting.id.in_([e.meeting_id for e in found if e.meeting_id]))
        )
    }
    processes = {
        p.id: p
        for p in db.session.scalars(
            sa.select(Process).where(Process.id.in_([e.process_id for e in found if e.process_id]))
        )
    }
    rows = []
    for earmark, balances in found.items():
        if earmark.meeting_id is not None and earmark.meeting_id in meetings:
            name = meetings[earmark.meeting_id].display_title
        elif earmark.process_id is not None and earmark.process_id in processes:
            name = processes[earmark.process_id].display_title
        else:
            name = ""
        rows.append(PartRow(earmark, name, balances))
    return sorted(rows, key=lambda r: (not r.earmark.is_general, r.name))


@dataclass
class Overview:
    balances: ledger.Balances
    parts: list[PartRow]
    donors: list[DonorTotal]
    months: list[MonthRow]
    outstanding_pledges: list[pledges.PledgeRow]
    flagged: list[Contribution]
    pending: int
    failed_events: int
    notes: list[str] = field(default_factory=list)


def overview(actor: User) -> Overview:
    """The fund administrators' page."""
    require(actor, Permission.MANAGE_FUND)
    outstanding = [
        row
        for row in pledges.pledge_rows(Pledge.cancelled_at.is_(None))
        if row.status in (PledgeStatus.PLEDGED, PledgeStatus.PARTLY_PAID)
    ]
    return Overview(
        balances=ledger.balances(),
        parts=parts(),
        donors=given_by_donor(),
        months=months(),
        outstanding_pledges=outstanding,
        flagged=list(
            db.session.scalars(
                sa.select(Contribution)
                .where(Contribution.mismatch.is_not(None))
                .order_by(Contribution.id.desc())
                .limit(50)
            )
        ),
        pending=db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Contribution)
            .where(Contribution.status == ContributionStatus.PENDING)
        )
        or 0,
        failed_events=db.session.scalar(
            sa.select(sa.func.count())
            .select_from(PaymentEvent)
            .where(PaymentEvent.outcome.in_([EventOutcome.FAILED, EventOutcome.REJECTED]))
        )
        or 0,
    )


# --- a donor's own -------------------------------------------------------------------------------


@dataclass
class DonorRecords:
    donor: Donor
    pledges: list[pledges.PledgeRow]
    contributions: list[Contribution]
    years: list[int]
    given: Money


def donor_records(donor: Donor) -> DonorRecords:
    """Everything a donor sees of its own (the caller checked that the reader may)."""
    contributions_of = list(
        db.session.scalars(
            sa.select(Contribution)
            .where(Contribution.donor_id == donor.id)
            .order_by(Contribution.id.desc())
        )
    )
    years = sorted(
        {c.value_date.year for c in contributions_of if c.value_date is not None}, reverse=True
    )
    totals = given_by_donor(Contribution.donor_id == donor.id)
    return DonorRecords(
        donor=donor,
        pledges=pledges.pledge_rows(Pledge.donor_id == donor.id),
        contributions=contributions_of,
        years=years,
        given=totals[0].given if totals else Money.zero("USD"),
    )


# --- the public page -----------------------------------------------------------------------------


@dataclass
class PublicFund:
    """What the fund received and what became of it, in one breakdown that adds up:
    given − fees and exchange − paid out − support costs − set aside − held = available."""

    named: list[DonorTotal]
    anonymous: Money
    anonymous_count: int
    balances: ledger.Balances
    by_kind: dict[DonorKind, Money]

    @property
    def given(self) -> Money:
        return self.balances.given

    @property
    def costs_of_giving(self) -> Money:
        """What payment providers kept, net of what their conversions gained."""
        return self.balances.fees - self.balances.exchange


def public_fund() -> PublicFund:
    """Who gave how much (anonymous donors only in a total), and the fund's breakdown."""
    totals = given_by_donor()
    named = [t for t in totals if not t.donor.is_anonymous and t.given.amount > 0]
    hidden = [t for t in totals if t.donor.is_anonymous and t.given.amount > 0]
    by_kind: dict[DonorKind, Money] = {}
    for total in totals:
        by_kind[total.donor.kind] = by_kind.get(total.donor.kind, Money.zero("USD")) + total.given
    return PublicFund(
        named=named,
        anonymous=sum((t.given for t in hidden), Money.zero("USD")),
        anonymous_count=len(hidden),
        balances=ledger.balances(),
        by_kind=by_kind,
    )


def donors_page(actor: User, *, page: int, per_page: int = 100) -> Page[Donor]:
    require(actor, Permission.MANAGE_FUND)
    return paginate(
        sa.select(Donor).options(selectinload(Donor.state)).order_by(Donor.name),
        page=page,
        per_page=per_page,
    )
