"""Fifty offers made at the same moment against a balance that covers ten: exactly ten are made,
and the fund's available balance never goes below zero. Real threads, connections and commits,
on SQLite and PostgreSQL (``bench/bench_sponsorship.py`` repeats it many times)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask

from meetings.auth.models import Role, User
from meetings.extensions import db
from meetings.fund import ledger
from meetings.money import Money
from meetings.reference.models import State, UNStatus
from meetings.sponsorship import offers
from meetings.sponsorship.models import Application
from meetings.sponsorship.models import ApplicationStatus as S
from tests.factories.auth import make_user
from tests.factories.fund import bank_transfer
from tests.factories.sponsorship import applicant, apply, make_call, under_review
from tests.support.concurrency import race

pytestmark = pytest.mark.concurrency

AWARD = offers.AwardData(Money(100_000, "USD"), 3, Money(0, "USD"))  # 1,000 + 3 × 400
COST = 220_000 + 28_600  # the award and its 13 % support cost, set aside together


def offers_race(app: Flask, applications: int, covered: int) -> tuple[list[str], int]:
    """``applications`` offers at once against money for ``covered`` of them; the outcomes and
    the number of applications offered."""
    call = make_call()
    meeting = call.meetings[0]
    states = db.session.scalars(
        sa.select(State)
        .where(State.un_status == UNStatus.MEMBER)
        .order_by(State.name)
        .limit(applications)
    ).all()
    ids = [
        under_review(apply(call, applicant(meeting, state.alpha2), dsa_days=3)).id
        for state in states
    ]
    bank_transfer(amount=Money(COST * covered, "USD"))
    admin_id = make_user(roles=[Role.FUND_ADMINISTRATOR]).id
    db.session.commit()

    def offer(application_id: int) -> Callable[[], None]:
        def action() -> None:
            application = db.session.get(Application, application_id)
            offers.propose(db.session.get(User, admin_id), application, AWARD)

        return action

    outcomes = race(app, [offer(i) for i in ids])
    db.session.expire_all()
    offered = db.session.scalar(
        sa.select(sa.func.count()).select_from(Application).where(Application.status == S.OFFERED)
    )
    return outcomes, offered or 0


def test_fifty_offers_at_once_against_money_for_ten_make_exactly_ten(committed) -> None:
    outcomes, offered = offers_race(committed, 50, 10)
    assert offered == 10
    assert outcomes.count("ok") == 10, [o for o in outcomes if o != "ok"][:3]
    refusals = [o for o in outcomes if o != "ok"]
    assert all("available to commit" in o for o in refusals), refusals[:3]
    balances = ledger.balances()
    assert balances.available.is_zero
    assert balances.committed == Money(COST * 10, "USD")


def test_two_workers_expiring_at_once_expire_each_offer_once(committed, now) -> None:
    from datetime import timedelta

    from meetings.audit.models import AuditEntry
    from meetings.jobs.tasks import expire_offers

    outcomes, offered = offers_race(committed, 4, 4)
    assert offered == 4
    reply_by = max(
        db.session.scalars(sa.select(Application.reply_by).where(Application.status == S.OFFERED))
    )
    now(reply_by + timedelta(minutes=1))
    entries = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
    db.session.rollback()  # this thread holds nothing while the workers write
    counts: list[int] = []
    outcomes = race(committed, [lambda: counts.append(expire_offers()) for _ in range(2)])
    assert outcomes == ["ok", "ok"]
    assert sum(counts) == 4  # each offer by one worker or the other, never both
    db.session.expire_all()
    assert ledger.balances().committed.is_zero
    assert ledger.balances().available == Money(COST * 4, "USD")
    expiries = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) - entries
    assert expire_offers() == 0  # run again: nothing left to do
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) - entries == (
        expiries
    )
