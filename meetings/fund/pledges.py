"""Pledges: promises of money. A pledge's status is derived from the contributions linked to it
(pledged → partly paid → paid), except cancellation, which is recorded with its reason. A pledge
is never money: it counts towards no balance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _

from meetings import clock
from meetings.audit.services import record
from meetings.auth.models import User
from meetings.auth.permissions import Permission, require
from meetings.errors import DomainError, NotFound
from meetings.extensions import db
from meetings.fund.models import (
    Contribution,
    ContributionStatus,
    Donor,
    Pledge,
    PledgeStatus,
    Refund,
    RefundStatus,
)
from meetings.money import Money, format_money
from meetings.schedule.models import Meeting, Process

# Contributions whose money counts towards a pledge (less what was refunded).
PAYING = (
    ContributionStatus.RECEIVED,
    ContributionStatus.PARTLY_REFUNDED,
    ContributionStatus.REFUNDED,
    ContributionStatus.DISPUTED,
)


@dataclass(frozen=True)
class PledgeData:
    amount: Money
    pledged_on: date
    earmark_meeting_id: int | None = None
    earmark_process_id: int | None = None
    note: str = ""
    # The same donor, amount and currency recorded within DUPLICATE_DAYS is asked about first:
    # True says it is another pledge, not the same one entered twice.
    another: bool = False


DUPLICATE_DAYS = 90


# Beyond any real contribution, in minor units of any currency: a typing slip, refused.
HARD_CEILING_MINOR = 10**14


def check_amount(amount: Money, usd_minor: int | None = None) -> None:
    """Zero, negative and absurd amounts are refused beside the amount field: above
    MEETINGS_FUND_MAX_USD (in US dollars, when the USD value is known)."""
    if amount.amount <= 0:
        raise DomainError(_("Enter an amount above zero."), field="amount")
    ceiling = Money(int(current_app.config["FUND_MAX_USD"]) * 100, "USD")
    if amount.amount > HARD_CEILING_MINOR or (usd_minor is not None and usd_minor > ceiling.amount):
        raise DomainError(
            _(
                "That is more than the %(ceiling)s this fund accepts in one entry; check the "
                "amount.",
                ceiling=format_money(ceiling),
            ),
            field="amount",
        )


def record_pledge(actor: User | None, donor: Donor, data: PledgeData) -> Pledge:
    if actor is not None:
        require(actor, Permission.MANAGE_FUND)
    check_amount(data.amount)
    if data.earmark_meeting_id and db.session.get(Meeting, data.earmark_meeting_id) is None:
        raise DomainError(_("Choose a meeting from the list."), field="earmark")
    if data.earmark_process_id and db.session.get(Process, data.earmark_process_id) is None:
        raise DomainError(_("Choose a process from the list."), field="earmark")
    if data.pledged_on > clock.now().date():
        raise DomainError(_("A pledge is recorded once it is made."), field="pledged_on")
    if not data.another:
        _check_not_twice(donor, data)
    pledge = Pledge(
        donor_id=donor.id,
        amount=data.amount,
        pledged_on=data.pledged_on,
        earmark_meeting_id=data.earmark_meeting_id,
        earmark_process_id=data.earmark_process_id,
        note=data.note.strip()[:2000],
        recorded_by_id=actor.id if actor else None,
    )
    db.session.add(pledge)
    db.session.flush()
    record(
        actor,
        "pledge.recorded",
        pledge,
        after={"donor": donor.name, "amount": str(data.amount)},
    )
    return pledge


def _check_not_twice(donor: Donor, data: PledgeData) -> None:
    """The same pledge entered twice (two administrators, one note verbale) is refused with the
    first one named; a second pledge of the same amount is recorded once said to be another."""
    window = timedelta(days=DUPLICATE_DAYS)
    earlier = db.session.scalar(
        sa.select(Pledge)
        .where(
            Pledge.donor_id == donor.id,
            Pledge.amount_minor == data.amount.amount,
            Pledge.currency == data.amount.currency,
            Pledge.cancelled_at.is_(None),
            Pledge.pledged_on.between(data.pledged_on - window, data.pledged_on + window),
        )
        .order_by(Pledge.pledged_on.desc())
        .limit(1)
    )
    if earlier is not None:
        raise DomainError(
            _(
                "A pledge of %(amount)s from %(donor)s, made on %(when)s, is recorded already. "
                "If this is another pledge, tick “This is another pledge” and save again.",
                amount=format_money(earlier.amount),
                donor=donor.display_name,
                when=format_date(earlier.pledged_on, "medium"),
            ),
            field="another",
        )


def cancel_pledge(actor: User, pledge: Pledge, reason: str) -> None:
    require(actor, Permission.MANAGE_FUND)
    if pledge.cancelled_at is not None:
        raise DomainError(_("This pledge is already cancelled."))
    if not reason.strip():
        raise DomainError(_("Give the reason for cancelling the pledge."), field="reason")
    pledge.cancelled_at = clock.now()
    pledge.cancellation_reason = reason.strip()[:2000]
    db.session.flush()
    record(actor, "pledge.cancelled", pledge, reason=pledge.cancellation_reason)


def get_pledge(actor: User, pledge_id: int) -> Pledge:
    require(actor, Permission.MANAGE_FUND)
    pledge = db.session.get(Pledge, pledge_id)
    if pledge is None:
        raise NotFound(_("There is no such pledge."))
    return pledge


# --- derived status ------------------------------------------------------------------------------


def paid_towards() -> sa.Subquery:
    """Per pledge: the money received against it, less refunds, in the pledge's currency."""
    refunded = (
        sa.select(sa.func.coalesce(sa.func.sum(Refund.amount_minor), 0))
        .where(Refund.contribution_id == Contribution.id, Refund.status == RefundStatus.SUCCEEDED)
        .correlate(Contribution)
        .scalar_subquery()
    )
    return (
        sa.select(
            Contribution.pledge_id.label("pledge_id"),
            sa.func.sum(Contribution.amount_minor - refunded).label("paid_minor"),
        )
        .where(Contribution.pledge_id.is_not(None), Contribution.status.in_(PAYING))
        .group_by(Contribution.pledge_id)
        .subquery()
    )


def status_of(pledge: Pledge, paid_minor: int) -> PledgeStatus:
    if pledge.cancelled_at is not None:
        return PledgeStatus.CANCELLED
    if paid_minor >= pledge.amount.amount:
        return PledgeStatus.PAID
    if paid_minor > 0:
        return PledgeStatus.PARTLY_PAID
    return PledgeStatus.PLEDGED


@dataclass(frozen=True)
class PledgeRow:
    pledge: Pledge
    paid: Money
    status: PledgeStatus

    @property
    def outstanding(self) -> Money:
        left = self.pledge.amount - self.paid
        return left if left.amount > 0 else Money.zero(left.currency)


def pledge_rows(*conditions: Any) -> list[PledgeRow]:
    """Pledges with what was paid towards them and their status (one query)."""
    paid = paid_towards()
    rows = db.session.execute(
        sa.select(Pledge, sa.func.coalesce(paid.c.paid_minor, 0))
        .outerjoin(paid, paid.c.pledge_id == Pledge.id)
        .where(*conditions)
        .order_by(Pledge.pledged_on.desc(), Pledge.id.desc())
    ).all()
    return [
        PledgeRow(pledge, Money(int(minor), pledge.amount.currency), status_of(pledge, int(minor)))
        for pledge, minor in rows
    ]


def pledge_row(pledge: Pledge) -> PledgeRow:
    return pledge_rows(Pledge.id == pledge.id)[0]
