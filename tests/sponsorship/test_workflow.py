"""The application's transition table, walked state by state for each kind of person, and the
money each move commits, releases or spends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from meetings.audit.services import entries_for
from meetings.auth.models import Role
from meetings.errors import DomainError
from meetings.fund import ledger
from meetings.money import Money
from meetings.reference.services import state_by_code
from meetings.sponsorship import applications, offers
from meetings.sponsorship.models import ApplicationStatus as S
from meetings.sponsorship.workflow import TRANSITIONS, WORKFLOW
from tests.factories.auth import make_user
from tests.factories.fund import bank_transfer
from tests.factories.registration import DURING_REGISTRATION
from tests.factories.sponsorship import accredit, applicant, apply, make_call, offered

# How to bring an application into each state (moves made by the system, money included).
PATHS: dict[S, list[S]] = {
    S.DRAFT: [],
    S.SUBMITTED: [S.SUBMITTED],
    S.INCOMPLETE: [S.SUBMITTED, S.INCOMPLETE],
    S.ELIGIBLE: [S.SUBMITTED, S.ELIGIBLE],
    S.UNDER_REVIEW: [S.SUBMITTED, S.ELIGIBLE, S.UNDER_REVIEW],
    S.OFFERED: [S.SUBMITTED, S.ELIGIBLE, S.UNDER_REVIEW, S.OFFERED],
    S.ACCEPTED: [S.SUBMITTED, S.ELIGIBLE, S.UNDER_REVIEW, S.OFFERED, S.ACCEPTED],
    S.DECLINED: [S.SUBMITTED, S.ELIGIBLE, S.UNDER_REVIEW, S.OFFERED, S.DECLINED],
    S.EXPIRED: [S.SUBMITTED, S.ELIGIBLE, S.UNDER_REVIEW, S.OFFERED, S.EXPIRED],
    S.TRAVEL_BOOKED: [
        S.SUBMITTED,
        S.ELIGIBLE,
        S.UNDER_REVIEW,
        S.OFFERED,
        S.ACCEPTED,
        S.TRAVEL_BOOKED,
    ],
    S.ATTENDED: [
        S.SUBMITTED,
        S.ELIGIBLE,
        S.UNDER_REVIEW,
        S.OFFERED,
        S.ACCEPTED,
        S.TRAVEL_BOOKED,
        S.ATTENDED,
    ],
    S.NO_SHOW: [
        S.SUBMITTED,
        S.ELIGIBLE,
        S.UNDER_REVIEW,
        S.OFFERED,
        S.ACCEPTED,
        S.TRAVEL_BOOKED,
        S.NO_SHOW,
    ],
    S.SETTLED: [
        S.SUBMITTED,
        S.ELIGIBLE,
        S.UNDER_REVIEW,
        S.OFFERED,
        S.ACCEPTED,
        S.TRAVEL_BOOKED,
        S.ATTENDED,
        S.SETTLED,
    ],
    S.REJECTED: [S.SUBMITTED, S.REJECTED],
    S.WITHDRAWN: [S.WITHDRAWN],
    S.CANCELLED: [S.SUBMITTED, S.ELIGIBLE, S.CANCELLED],
}
WHO = {
    "focal point": {"focal_point"},
    "fund administrator": {"fund_administrator"},
    "focal point of another State": set(),
    "secretariat": set(),
    "delegate": set(),
}


def _during(application) -> datetime:
    """A moment on the first day of the application's meeting."""
    return application.meeting.starts_at.astimezone(UTC) + timedelta(hours=10)


def _walk(application, steps, now) -> None:
    for step in steps:
        if step in (S.ATTENDED, S.NO_SHOW):
            now(_during(application))
            WORKFLOW.move(None, application, step, reason="because")
        elif step is S.OFFERED:
            offers.propose(
                None, application, offers.AwardData(application.airfare, 14, application.terminal)
            )
        elif step is S.TRAVEL_BOOKED:
            accredit(application.registration_id)
            WORKFLOW.move(None, application, S.TRAVEL_BOOKED)
        else:
            WORKFLOW.move(None, application, step, reason="because")


@pytest.fixture
def cast():
    bank_transfer(amount=Money(10_000_000, "USD"))
    call = make_call()
    who = applicant(call.meetings[0], "SL")
    people = {
        "focal point": who.focal_point,
        "fund administrator": make_user(roles=[Role.FUND_ADMINISTRATOR]),
        "focal point of another State": make_user(
            roles=[Role.FOCAL_POINT], state=state_by_code("NP")
        ),
        "secretariat": make_user(roles=[Role.SECRETARIAT]),
        "delegate": make_user(),
    }
    return call, who, people


def test_every_state_can_be_reached() -> None:
    reachable = {S.DRAFT}
    for _ in range(len(S)):
        for source, target in TRANSITIONS:
            if source in reachable:
                reachable.add(target)
    assert reachable == set(S)
    assert PATHS.keys() == set(S)


@pytest.mark.parametrize("who", list(WHO))
@pytest.mark.parametrize("source", list(S))
def test_the_transition_table(cast, now, source: S, who: str) -> None:
    """From ``source``, ``who`` tries every target: allowed exactly where the table says (at a
    moment the move's other rules allow: attendance once the meeting has begun)."""
    from meetings.extensions import db

    call, applicant_, people = cast
    application = apply(call, applicant_, submit=False)
    _walk(application, PATHS[source], now)
    assert application.status is source
    for target in S:
        allowed = bool(TRANSITIONS.get((source, target), frozenset()) & WHO[who])
        now(_during(application) if target in (S.ATTENDED, S.NO_SHOW) else DURING_REGISTRATION)
        savepoint = db.session.begin_nested()
        if allowed:
            WORKFLOW.move(people[who], application, target, reason="because")
            assert application.status is target
            assert entries_for(application)[-1].action == f"sponsorship_application.{target.value}"
        else:
            with pytest.raises(DomainError):
                WORKFLOW.move(people[who], application, target, reason="because")
            assert application.status is source
        savepoint.rollback()
        db.session.refresh(application)
        assert application.status is source


def test_rejecting_asking_for_more_and_cancelling_need_a_reason(cast) -> None:
    call, who, people = cast
    application = apply(call, who)
    with pytest.raises(DomainError) as caught:
        applications.move(people["fund administrator"], application, S.INCOMPLETE, reason=" ")
    assert caught.value.field == "reason"
    applications.move(
        people["fund administrator"], application, S.INCOMPLETE, reason="Passport unreadable"
    )
    assert application.status_reason == "Passport unreadable"


def test_an_offer_commits_the_award_and_declining_releases_it(cast) -> None:
    call, who, _people = cast
    application = offered(apply(call, who))
    award = offers.award_of(application)
    assert award.total == Money(180_000 + 14 * 40_000 + 15_000, "USD")
    reserved = award.total + ledger.support_cost(award.total, 1300, reserve=True)
    assert ledger.balances().committed == reserved
    applications.move(who.focal_point, application, S.DECLINED)
    assert ledger.balances().committed.is_zero
    assert ledger.balances().available == Money(10_000_000, "USD")


def test_an_unanswered_offer_expires_and_releases_its_money(cast, now) -> None:
    call, who, _people = cast
    application = offered(apply(call, who))
    assert offers.expire_overdue() == []
    now(application.reply_by + timedelta(seconds=1))
    with pytest.raises(DomainError, match="expired"):
        applications.move(who.focal_point, application, S.ACCEPTED)
    assert offers.expire_overdue() == [application]
    assert application.status is S.EXPIRED
    assert ledger.balances().committed.is_zero


def test_settlement_releases_what_was_committed_and_not_spent(cast, now) -> None:
    call, who, people = cast
    admin = people["fund administrator"]
    application = offered(apply(call, who))
    applications.move(who.focal_point, application, S.ACCEPTED)
    with pytest.raises(DomainError, match="accredited"):
        offers.book_travel(admin, application, Money(150_000, "USD"), "TKT-1")
    accredit(who.registration_id)
    offers.book_travel(admin, application, Money(150_000, "USD"), "TKT-1")
    assert application.status is S.TRAVEL_BOOKED
    with pytest.raises(DomainError, match="once the meeting has begun"):
        applications.move(admin, application, S.ATTENDED)
    assert application.status is S.TRAVEL_BOOKED
    now(_during(application))
    applications.move(admin, application, S.ATTENDED)
    offers.pay_dsa(admin, application, Money(14 * 40_000 + 15_000, "USD"))
    released = offers.settle(admin, application)
    money = offers.money_of(application)
    spent = 150_000 + 575_000
    assert money.spent == Money(spent, "USD") + ledger.support_cost(Money(spent, "USD"), 1300)
    assert money.outstanding == Money(0, "USD")
    assert released == money.committed - money.spent
    assert ledger.balances().committed.is_zero


def test_a_no_show_releases_the_unspent_money_and_records_the_ticket_claim(cast, now) -> None:
    call, who, people = cast
    admin = people["fund administrator"]
    application = offered(apply(call, who))
    applications.move(who.focal_point, application, S.ACCEPTED)
    accredit(who.registration_id)
    offers.book_travel(admin, application, Money(150_000, "USD"), "TKT-2")
    with pytest.raises(DomainError, match="once the meeting has begun"):
        offers.record_no_show(admin, application, "Claim the ticket from the Ministry")
    now(_during(application))
    offers.record_no_show(admin, application, "Claim the ticket from the Ministry")
    offers.settle(admin, application)
    assert application.status is S.SETTLED
    assert application.ticket_claim == "Claim the ticket from the Ministry"
    assert offers.money_of(application).spent.amount == 150_000 + 19_500
    assert ledger.balances().committed.is_zero


def test_each_move_mails_the_focal_point_and_the_nominee_where_it_concerns_them(
    cast, outbox
) -> None:
    from meetings.extensions import db

    call, who, _people = cast
    db.session.commit()
    outbox.clear()  # the receipt of the setting's bank transfer, the member's registration
    application = apply(call, who)
    db.session.commit()
    assert [m["To"] for m in outbox] == [who.focal_point.email]
    outbox.clear()
    offered(application)
    db.session.commit()
    recipients = {m["To"] for m in outbox if "Offered" in m["Subject"]}
    assert who.focal_point.email in recipients
    assert len(recipients) == 2  # and the nominee
