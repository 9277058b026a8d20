"""An accepted award's increases are under the same four eyes as its offer: an increase that
takes the award — its offer and every increase together — above the four-eyes amount waits for
a second fund administrator; smaller ones are committed at once; the money is checked first."""

from __future__ import annotations

import pytest

from meetings.auth.models import Role
from meetings.errors import DomainError
from meetings.extensions import db
from meetings.fund import ledger
from meetings.money import Money, format_money
from meetings.sponsorship import applications, offers
from meetings.sponsorship.models import ApplicationStatus as S
from tests.factories.auth import make_user
from tests.factories.fund import bank_transfer
from tests.factories.sponsorship import applicant, apply, make_call, under_review

THRESHOLD = 5_000_00  # SPONSORSHIP_FOUR_EYES_USD, in cents


def usd(minor: int) -> Money:
    return Money(minor, "USD")


@pytest.fixture
def accepted():
    """An award of USD 1,000 (below the four-eyes amount), offered by one administrator and
    accepted by the State."""
    bank_transfer(amount=usd(10_000_000))
    call = make_call()
    who = applicant(call.meetings[0], "SL")
    first, second = (make_user(roles=[Role.FUND_ADMINISTRATOR]) for _ in range(2))
    application = under_review(apply(call, who, airfare=usd(60_000), dsa_days=1, terminal=usd(0)))
    offers.propose(first, application, offers.AwardData(usd(60_000), 1, usd(0)))
    assert application.status is S.OFFERED
    applications.move(who.focal_point, application, S.ACCEPTED)
    return application, first, second


def test_a_top_up_that_takes_the_award_above_the_four_eyes_amount_waits_for_another(
    accepted,
) -> None:
    application, first, second = accepted
    committed = ledger.balances().committed
    increase = offers.top_up(first, application, usd(THRESHOLD))
    assert increase.waiting
    assert ledger.balances().committed == committed  # nothing committed yet
    with pytest.raises(DomainError, match="cannot approve"):
        offers.approve_increase(first, application)
    with pytest.raises(DomainError, match="already waits"):
        offers.top_up(second, application, usd(100))
    offers.approve_increase(second, application)
    assert not increase.waiting
    assert increase.approved_by_id == second.id
    assert ledger.balances().committed == committed + ledger.with_support_cost(usd(THRESHOLD))
    assert offers.awarded(offers.award_of(application)) == usd(100_000 + THRESHOLD)


def test_small_top_ups_are_committed_at_once_until_together_they_cross_the_amount(
    accepted,
) -> None:
    application, first, _second = accepted
    award = offers.award_of(application)
    room = THRESHOLD - award.total.amount  # what may still be added by one administrator
    made = offers.top_up(first, application, usd(room // 2))
    assert made.committed_at is not None
    made = offers.top_up(first, application, usd(room - room // 2))
    assert made.committed_at is not None  # exactly at the amount: still one pair of eyes
    assert offers.awarded(award) == usd(THRESHOLD)
    one_more = offers.top_up(first, application, usd(1))
    assert one_more.waiting


def test_a_top_up_the_money_available_cannot_cover_is_refused_when_it_is_proposed(
    accepted,
) -> None:
    application, first, _second = accepted
    available = ledger.available_for(offers.draws_on(application))
    with pytest.raises(DomainError, match="available to commit"):
        offers.top_up(first, application, available)
    assert offers.waiting_increase(offers.award_of(application)) is None


def test_an_offer_the_money_cannot_cover_is_refused_at_the_proposal_with_the_figures() -> None:
    bank_transfer(amount=usd(50_000))
    call = make_call()
    application = under_review(apply(call, applicant(call.meetings[0], "SL")))
    admin = make_user(roles=[Role.FUND_ADMINISTRATOR])
    with pytest.raises(DomainError) as caught:
        offers.propose(admin, application, offers.AwardData(usd(180_000), 14, usd(15_000)))
    assert "$500.00 available to commit" in caught.value.message
    assert "plus programme support cost" in caught.value.message
    assert offers.award_of(application) is None


def test_the_proposer_of_a_large_offer_is_told_it_waits_and_sees_one_amount_with_support_cost(
    client, login
) -> None:
    """USD 6,000 (above the four-eyes amount): the proposer reads USD 6,780 with the support
    cost and that another administrator approves, with no button that would refuse them; the
    second administrator gets the button, and the same figure."""
    bank_transfer(amount=usd(10_000_000))
    call = make_call()
    application = under_review(apply(call, applicant(call.meetings[0], "SL")))
    first, second = (make_user(roles=[Role.FUND_ADMINISTRATOR]) for _ in range(2))
    offers.propose(first, application, offers.AwardData(usd(600_000), 1, usd(0)))
    award = offers.award_of(application)
    assert award is not None
    committed = offers.committed_amount(award)
    assert committed == ledger.with_support_cost(award.total)
    db.session.commit()
    url = f"/sponsorship/manage/applications/{application.id}"
    shown = format_money(committed)
    login(first)
    page = client.get(url).get_data(as_text=True)
    assert f"Proposed: {shown} with the programme support cost" in page
    assert "You proposed it: another fund administrator approves it." in page
    assert "Approve and make the offer" not in page
    login(second)
    page = client.get(url).get_data(as_text=True)
    assert f"Proposed: {shown} with the programme support cost" in page
    assert "Approve and make the offer" in page
