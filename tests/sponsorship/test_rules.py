"""The rules of an application and an offer: each refused with a clear message, nothing written."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from meetings.auth.models import Role
from meetings.errors import DomainError, PermissionDenied
from meetings.extensions import db
from meetings.fund import donors, ledger
from meetings.money import Money
from meetings.reference.services import state_by_code
from meetings.sponsorship import applications, calls, offers, reviews
from meetings.sponsorship.models import Application, Eligibility
from meetings.sponsorship.models import ApplicationStatus as S
from tests.factories.auth import make_user
from tests.factories.fund import bank_transfer
from tests.factories.sponsorship import (
    applicant,
    apply,
    data,
    documents,
    make_call,
    offered,
    under_review,
)


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Application)) or 0


@pytest.fixture
def funded():
    bank_transfer(amount=Money(10_000_000, "USD"))


def test_a_late_application_is_refused_and_says_so(now) -> None:
    call = make_call()
    who = applicant(call.meetings[0])
    now(datetime(2018, 5, 15, 22, 0, tzinfo=UTC))  # 18:00 in New York on the deadline day
    with pytest.raises(DomainError, match="too late to apply"):
        apply(call, who)
    assert _count() == 0


def test_the_deadline_is_18_00_venue_time() -> None:
    call = make_call(deadline=date(2018, 5, 15))
    assert call.deadline_at == datetime(2018, 5, 15, 22, 0, tzinfo=UTC)
    assert calls.is_open(call, datetime(2018, 5, 15, 21, 59, tzinfo=UTC))


def test_a_second_application_of_a_state_for_a_meeting_is_refused() -> None:
    call = make_call()
    who = applicant(call.meetings[0])
    apply(call, who)
    with pytest.raises(DomainError, match="already applied") as caught:
        apply(call, who)
    assert caught.value.field == "meeting_id"
    assert _count() == 1


def test_a_withdrawn_application_does_not_block_a_new_one() -> None:
    call = make_call()
    who = applicant(call.meetings[0])
    first = apply(call, who)
    applications.move(who.focal_point, first, S.WITHDRAWN)
    assert apply(call, who).status is S.SUBMITTED


def test_a_nominee_of_another_state_is_refused() -> None:
    call = make_call()
    meeting = call.meetings[0]
    who = applicant(meeting, "SL")
    other = applicant(meeting, "NP")
    with pytest.raises(DomainError, match="another delegation") as caught:
        applications.start(
            who.focal_point, call, data(meeting, other.registration_id), documents(), submit=True
        )
    assert caught.value.field == "registration_id"
    assert _count() == 0


def test_a_missing_document_is_named_before_submission() -> None:
    call = make_call()
    meeting = call.meetings[0]
    who = applicant(meeting)
    files = documents()
    del files["passport_copy"]
    savepoint = db.session.begin_nested()
    with pytest.raises(DomainError, match="copy of the passport"):
        applications.start(
            who.focal_point, call, data(meeting, who.registration_id), files, submit=True
        )
    savepoint.rollback()  # as the request would
    draft = applications.start(
        who.focal_point, call, data(meeting, who.registration_id), files, submit=False
    )
    assert draft.status is S.DRAFT


@pytest.mark.parametrize("days", [0, 15])
def test_dsa_days_outside_the_meetings_dates_and_travel_days_are_refused(days: int) -> None:
    call = make_call()  # a 12-day meeting and 2 travel days: 1 to 14
    who = applicant(call.meetings[0])
    with pytest.raises(DomainError, match="Between 1 and 14 days") as caught:
        apply(call, who, dsa_days=days)
    assert caught.value.field == "dsa_days"


def test_a_call_for_least_developed_countries_refuses_others() -> None:
    call = make_call(eligibility=Eligibility.LDC_ONLY)
    with pytest.raises(DomainError, match="least developed countries only"):
        apply(call, applicant(call.meetings[0], "GH"))
    assert apply(call, applicant(call.meetings[0], "SL")).status is S.SUBMITTED


def test_an_offer_the_fund_cannot_cover_is_refused() -> None:
    bank_transfer(amount=Money(100_000, "USD"))
    call = make_call()
    application = under_review(apply(call, applicant(call.meetings[0])))
    with pytest.raises(DomainError, match="available to commit"):
        offers.propose(
            None, application, offers.AwardData(application.airfare, 14, application.terminal)
        )
    assert application.status is S.UNDER_REVIEW
    assert ledger.balances().committed.is_zero


def test_an_offer_above_the_four_eyes_amount_needs_another_administrator(funded) -> None:
    call = make_call()
    application = under_review(apply(call, applicant(call.meetings[0])))
    first, second = (make_user(roles=[Role.FUND_ADMINISTRATOR]) for _ in range(2))
    award = offers.propose(
        first, application, offers.AwardData(application.airfare, 14, application.terminal)
    )
    assert award.total > offers.four_eyes_threshold()
    assert application.status is S.UNDER_REVIEW
    with pytest.raises(DomainError, match="cannot approve"):
        offers.approve(first, application)
    offers.approve(second, application)
    assert application.status is S.OFFERED
    assert award.approved_by_id == second.id


def test_an_offer_within_the_four_eyes_amount_is_made_at_once(funded) -> None:
    call = make_call()
    application = under_review(apply(call, applicant(call.meetings[0]), dsa_days=3))
    admin = make_user(roles=[Role.FUND_ADMINISTRATOR])
    offers.propose(admin, application, offers.AwardData(Money(100_000, "USD"), 3, Money(0, "USD")))
    assert application.status is S.OFFERED


def test_an_administrator_cannot_decide_on_their_own_state(funded) -> None:
    call = make_call()
    application = under_review(apply(call, applicant(call.meetings[0], "SL")))
    admin = make_user(roles=[Role.FUND_ADMINISTRATOR])
    donors.link_account(admin, donors.get_or_create_government(state_by_code("SL")), admin.email)
    with pytest.raises(PermissionDenied, match="another administrator"):
        reviews.review(admin, application, 5, "mine")
    with pytest.raises(PermissionDenied):
        offers.propose(
            admin, application, offers.AwardData(application.airfare, 14, application.terminal)
        )


def test_an_assessment_is_never_shown_to_the_state_only_a_message_written_to_it() -> None:
    call = make_call()
    who = applicant(call.meetings[0])
    application = apply(call, who)
    admin = make_user(roles=[Role.FUND_ADMINISTRATOR])
    reviews.review(
        admin, application, 4, "Strong candidate", message_to_state="Send the passport again"
    )
    other = make_user(roles=[Role.FUND_ADMINISTRATOR])
    reviews.review(other, application, 2, "Sponsored twice already")
    shown = reviews.reviews_for(who.focal_point, application)
    assert [r.message_to_state for r in shown] == ["Send the passport again"]
    assert all(r.score is None and r.comment == "" for r in shown)
    assert [r.comment for r in reviews.reviews_for(admin, application)] == [
        "Strong candidate",
        "Sponsored twice already",
    ]


def test_an_expired_offer_cannot_be_accepted(funded, now) -> None:
    call = make_call()
    who = applicant(call.meetings[0])
    application = offered(apply(call, who))
    now(application.reply_by.replace(year=2019))
    with pytest.raises(DomainError, match="expired"):
        applications.move(who.focal_point, application, S.ACCEPTED)
