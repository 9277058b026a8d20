"""Awards and their money, through the fund's commit service only.

Offering commits the award (airfare + DSA days × the city's rate + terminal expenses, plus the
programme support cost) against money received — for the award's meeting: money earmarked for it,
then for its process, then the fund's own. An offer the money available cannot cover is refused
when it is proposed, with the figures. An award above the four-eyes amount is proposed by one
administrator and approved by another; so is every increase that takes an award (its offer and
all its increases together) above that amount. Declining, expiry, withdrawal or cancellation
releases it; the ticket and the DSA are disbursements of actual amounts; settlement releases what
was committed and not spent. A no-show's unspent money is released and the ticket is recorded for
a claim.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from meetings import clock
from meetings.audit.services import record
from meetings.auth.models import User
from meetings.auth.permissions import Permission, require
from meetings.errors import DomainError
from meetings.extensions import db
from meetings.fund import commitments, earmarks, ledger
from meetings.fund.models import Commitment
from meetings.money import Money, require_usd
from meetings.registration.nominees import checked_in_at, is_accredited
from meetings.sponsorship import dsa, rules
from meetings.sponsorship.models import Application, Award, AwardIncrease
from meetings.sponsorship.models import ApplicationStatus as S
from meetings.sponsorship.workflow import WORKFLOW, attendance_open

ENDS_OFFER = frozenset({S.DECLINED, S.EXPIRED, S.REJECTED, S.WITHDRAWN, S.CANCELLED})


@dataclass(frozen=True)
class AwardData:
    airfare: Money
    dsa_days: int
    terminal: Money


PURPOSE_PREFIX = "sponsorship-application"


def purpose(application: Application) -> str:
    return f"{PURPOSE_PREFIX}:{application.id}"


def award_of(application: Application) -> Award | None:
    return db.session.scalar(sa.select(Award).where(Award.application_id == application.id))


def commitment_of(application: Application) -> Commitment | None:
    award = award_of(application)
    if award is None or award.commitment_id is None:
        return None
    return db.session.get(Commitment, award.commitment_id)


def four_eyes_threshold() -> Money:
    return Money(int(current_app.config["SPONSORSHIP_FOUR_EYES_USD"]) * 100, "USD")


def _administrator(actor: User | None, application: Application) -> None:
    if actor is not None:
        require(actor, Permission.REVIEW_SPONSORSHIP)
        require(actor, Permission.MANAGE_FUND)
        rules.check_not_own_state(actor, application)


def propose(actor: User | None, application: Application, data: AwardData) -> Award:
    """An administrator proposes the award; it is offered at once when at or below the
    four-eyes amount, else when a second administrator approves it."""
    _administrator(actor, application)
    if application.status is not S.UNDER_REVIEW:
        raise DomainError(_("An offer is made to an application under review."))
    for value, field in ((data.airfare, "airfare"), (data.terminal, "terminal")):
        require_usd(value, field=field, allow_zero=True)
    rules.check_dsa_days(application.call, application.meeting, data.dsa_days)
    rate = dsa.rate_for(application.call.dsa_city, application.meeting.start_date)
    asked = data.airfare + data.terminal + Money(data.dsa_days * rate.daily_rate_minor, "USD")
    check_covered(application, asked)
    award = award_of(application)
    if award is None:
        award = Award(application_id=application.id)
        db.session.add(award)
    award.airfare_minor = data.airfare.amount
    award.dsa_days = data.dsa_days
    award.dsa_rate_minor = rate.daily_rate_minor
    award.terminal_minor = data.terminal.amount
    award.proposed_by_id = actor.id if actor else None
    award.approved_by_id = None
    db.session.flush()
    record(actor, "sponsorship_award.proposed", award, after={"total_minor": award.total.amount})
    if actor is None or award.total <= four_eyes_threshold():
        _offer(actor, application, award)
    return award


def committed_amount(award: Award) -> Money:
    """The one figure shown for an award: what offering it sets aside, support cost included."""
    return ledger.with_support_cost(award.total)


def draws_on(application: Application) -> tuple[earmarks.Earmark, ...]:
    """The parts of the fund an award of ``application`` may be paid from."""
    return earmarks.for_meeting(application.meeting)


def check_covered(application: Application, amount: Money) -> None:
    """Refuse, with the figures, an award (or an increase) the money available for its meeting
    cannot cover, support cost included: before anyone is asked to approve it."""
    commitments.refuse_unless_free(amount, draws_on(application), field="airfare")


def approve(actor: User, application: Application) -> Award:
    """The second pair of eyes: another administrator than the one who proposed."""
    _administrator(actor, application)
    award = award_of(application)
    if award is None or application.status is not S.UNDER_REVIEW:
        raise DomainError(_("There is no proposed offer to approve."))
    if award.proposed_by_id == actor.id:
        raise DomainError(_("The administrator who proposed an offer cannot approve it."))
    award.approved_by_id = actor.id
    db.session.flush()
    _offer(actor, application, award)
    return award


def awaiting_approval(application: Application, award: Award | None) -> bool:
    return (
        award is not None
        and application.status is S.UNDER_REVIEW
        and award.commitment_id is None
        and award.total > four_eyes_threshold()
    )


def count_awaiting_approval() -> tuple[int, int]:
    """Offers, and increases of awards, proposed and waiting for a second administrator."""
    offers = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Award)
        .join(Application, Application.id == Award.application_id)
        .where(
            Application.status == S.UNDER_REVIEW,
            Award.proposed_by_id.is_not(None),
            Award.commitment_id.is_(None),
        )
    )
    increases = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(AwardIncrease)
        .where(AwardIncrease.committed_at.is_(None), AwardIncrease.withdrawn_at.is_(None))
    )
    return offers or 0, increases or 0


def _offer(actor: User | None, application: Application, award: Award) -> None:
    commitment = commitments.commit(
        actor,
        purpose=purpose(application),
        amount=award.total,
        description=f"{application.state.name}, {application.meeting.code}",
        draws_on=draws_on(application),
    )
    award.commitment_id = commitment.id
    award.offered_at = clock.now()
    application.reply_by = clock.now() + timedelta(days=application.call.reply_days)
    WORKFLOW.move(actor, application, S.OFFERED)


def end(actor: User | None, application: Application, target: S, *, reason: str = "") -> None:
    """Decline, expiry, rejection, withdrawal or cancellation: the money set aside returns."""
    WORKFLOW.move(actor, application, target, reason=reason)
    commitment = commitment_of(application)
    if commitment is not None:
        commitments.release(None, commitment, reason=f"{target.value}: {reason}".strip(": "))


def expire_overdue() -> list[Application]:
    """Offers not answered in time become expired, and their money returns (``flask
    sponsorship expire``, meant for cron)."""
    moment = clock.now()
    query = sa.select(Application).where(
        Application.status == S.OFFERED, Application.reply_by < moment
    )
    if db.session.get_bind().dialect.name == "postgresql":
        # Two workers at once: each takes the offers the other has not locked (SQLite writes
        # one transaction at a time). A run that finds none left to expire does nothing.
        query = query.with_for_update(of=Application, skip_locked=True)
    overdue = list(db.session.scalars(query))
    for application in overdue:
        end(None, application, S.EXPIRED, reason=str(_("not answered in time")))
    return overdue


# --- travel, attendance, settlement --------------------------------------------------------------


def book_travel(actor: User, application: Application, ticket: Money, reference: str) -> None:
    """The ticket is bought: its actual price is paid out. Only for an accredited nominee."""
    _administrator(actor, application)
    if application.status is not S.ACCEPTED:
        raise DomainError(_("Travel is booked once the State has accepted the offer."))
    if not is_accredited(application.registration_id):
        raise DomainError(_("Travel can be booked once the nominee's registration is accredited."))
    if not reference.strip():
        raise DomainError(_("Enter the ticket's reference."), field="reference")
    _spend(actor, application, ticket, _("economy ticket %(reference)s", reference=reference))
    application.ticket_reference = reference.strip()[:120]
    WORKFLOW.move(actor, application, S.TRAVEL_BOOKED)


def pay_dsa(actor: User, application: Application, amount: Money) -> None:
    """Daily subsistence allowance and terminal expenses paid to the nominee (actual amount)."""
    _administrator(actor, application)
    if application.status not in (S.TRAVEL_BOOKED, S.ATTENDED):
        raise DomainError(_("The DSA is paid once travel is booked."))
    _spend(actor, application, amount, _("DSA and terminal expenses"))


def _spend(actor: User | None, application: Application, amount: Money, what: str) -> None:
    commitment = commitment_of(application)
    if commitment is None:
        raise DomainError(_("Nothing is committed for this application."))
    require_usd(amount)
    commitments.disburse(actor, commitment, amount, description=f"{application.state.name}: {what}")


def increases_of(award: Award) -> list[AwardIncrease]:
    return list(
        db.session.scalars(
            sa.select(AwardIncrease)
            .where(AwardIncrease.award_id == award.id)
            .order_by(AwardIncrease.id)
        )
    )


def awarded(award: Award) -> Money:
    """The award with every increase committed so far (support cost not included)."""
    return award.total + sum(
        (i.amount for i in increases_of(award) if i.committed_at is not None), Money.zero("USD")
    )


def waiting_increase(award: Award | None) -> AwardIncrease | None:
    if award is None:
        return None
    return next((i for i in increases_of(award) if i.waiting), None)


def top_up(actor: User, application: Application, amount: Money, reason: str = "") -> AwardIncrease:
    """Commit more for an award whose actual costs exceed what was set aside: at once while the
    award and its increases stay within the four-eyes amount, else when a second administrator
    approves it."""
    _administrator(actor, application)
    if application.status not in (S.ACCEPTED, S.TRAVEL_BOOKED, S.ATTENDED):
        raise DomainError(_("Only an accepted award can be increased."))
    require_usd(amount)
    award = award_of(application)
    assert award is not None
    if waiting_increase(award) is not None:
        raise DomainError(
            _("An increase of this award already waits for a second administrator."),
            field="amount",
        )
    check_covered(application, amount)
    increase = AwardIncrease(
        award_id=award.id,
        amount_minor=amount.amount,
        reason=reason.strip()[:2000],
        proposed_by_id=actor.id,
    )
    db.session.add(increase)
    db.session.flush()
    record(
        actor,
        "sponsorship_award.increase_proposed",
        award,
        after={"increase_minor": amount.amount},
        reason=increase.reason or None,
    )
    if awarded(award) + amount <= four_eyes_threshold():
        _commit_increase(actor, application, increase)
    return increase


def approve_increase(actor: User, application: Application) -> AwardIncrease:
    """The second pair of eyes on an increase: another administrator than the one who
    proposed it."""
    _administrator(actor, application)
    increase = waiting_increase(award_of(application))
    if increase is None:
        raise DomainError(_("There is no increase waiting for approval."))
    if increase.proposed_by_id == actor.id:
        raise DomainError(_("The administrator who proposed an increase cannot approve it."))
    increase.approved_by_id = actor.id
    db.session.flush()
    _commit_increase(actor, application, increase)
    return increase


def _commit_increase(actor: User | None, application: Application, increase: AwardIncrease) -> None:
    commitments.commit(
        actor,
        purpose=purpose(application),
        amount=increase.amount,
        description=str(_("increase")),
        draws_on=draws_on(application),
    )
    increase.committed_at = clock.now()
    db.session.flush()
    record(
        actor,
        "sponsorship_award.increased",
        award_of(application),
        after={"increase_minor": increase.amount_minor},
    )


@dataclass(frozen=True)
class Attendance:
    """What the page knows of the nominee's attendance before anyone records it."""

    opens_on: date
    is_open: bool
    checked_in_at: datetime | None


def attendance(application: Application) -> Attendance:
    return Attendance(
        opens_on=application.meeting.start_date,
        is_open=attendance_open(application, clock.now()),
        checked_in_at=checked_in_at(application.registration_id),
    )


def record_no_show(actor: User, application: Application, claim: str) -> None:
    _administrator(actor, application)
    if not claim.strip():
        raise DomainError(_("Say how the ticket will be claimed back."), field="reason")
    application.ticket_claim = claim.strip()[:2000]
    WORKFLOW.move(actor, application, S.NO_SHOW, reason=claim)


def settle(actor: User, application: Application) -> Money:
    """Close the award: what was set aside and not spent returns to the fund."""
    _administrator(actor, application)
    WORKFLOW.move(actor, application, S.SETTLED)
    commitment = commitment_of(application)
    if commitment is None:
        return Money.zero("USD")
    released = commitments.release(actor, commitment, reason=str(_("settled")))
    record(
        actor,
        "sponsorship_application.settled",
        application,
        after={"released_minor": released.amount},
    )
    return released


@dataclass(frozen=True)
class MoneyOf:
    committed: Money
    spent: Money
    outstanding: Money


def money_of(application: Application) -> MoneyOf | None:
    commitment = commitment_of(application)
    if commitment is None:
        return None
    balances = ledger.commitment_balances(commitment)
    return MoneyOf(
        committed=Money(balances.sums.get(ledger.K.AWARD_COMMITTED, 0), "USD"),
        spent=balances.spent,
        outstanding=balances.committed,
    )
