"""Earmarks: money received against a pledge earmarked for a meeting or a process pays only for
awards of that meeting or process; an award draws on its meeting's money first, then its
process's, then the fund's own; each part's balance is shown; the suggestion respects them."""

from __future__ import annotations

from datetime import date

import pytest

from meetings.auth.models import Role
from meetings.errors import DomainError
from meetings.fund import commitments, earmarks, ledger, pledges, refunds
from meetings.fund.earmarks import GENERAL, Earmark
from meetings.money import Money
from meetings.schedule import services as schedule
from meetings.sponsorship import ranking
from tests.factories.auth import make_user
from tests.factories.fund import bank_transfer, make_donor
from tests.factories.schedule import make_meeting


def usd(minor: int) -> Money:
    return Money(minor, "USD")


def earmarked_gift(amount: int, *, meeting=None, process_id=None):
    donor = make_donor()
    pledge = pledges.record_pledge(
        None,
        donor,
        pledges.PledgeData(
            usd(amount),
            date(2018, 1, 10),
            earmark_meeting_id=meeting.id if meeting else None,
            earmark_process_id=process_id,
        ),
    )
    return bank_transfer(donor, usd(amount), pledge_id=pledge.id)


def _commit(meeting, amount: int):
    return commitments.commit(
        None,
        purpose=f"award:{meeting.id if meeting else 'none'}:{amount}",
        amount=usd(amount),
        description="award",
        draws_on=earmarks.for_meeting(meeting),
    )


def test_money_earmarked_for_a_meeting_pays_only_for_awards_of_that_meeting() -> None:
    conference, other = make_meeting(), make_meeting()
    earmarked_gift(1_130_000, meeting=conference)
    with pytest.raises(DomainError) as caught:
        _commit(other, 100_000)
    assert "$0.00 available to commit" in caught.value.message
    assert "$11,300.00 is earmarked by its donors for other meetings" in caught.value.message
    with pytest.raises(DomainError):
        _commit(None, 100_000)  # the fund's own money: there is none
    _commit(conference, 1_000_000)
    assert ledger.balances(earmark=Earmark(meeting_id=conference.id)).available == usd(0)


def test_money_earmarked_for_a_process_pays_for_its_meetings_and_no_others() -> None:
    poa = make_meeting()
    other_process = schedule.get_or_create_process(None, code="ATT", title="Arms Trade Treaty")
    other = schedule.create_meeting(
        None,
        schedule.MeetingData(
            process_id=other_process.id,
            code="ATT-CSP",
            title="Conference of States Parties",
            kind=poa.kind,
            venue="Geneva",
            timezone="Europe/Zurich",
            start_date=date(2018, 8, 20),
            end_date=date(2018, 8, 24),
            format=poa.format,
        ),
    )
    earmarked_gift(113_000, process_id=poa.process_id)
    with pytest.raises(DomainError, match="available to commit"):
        _commit(other, 100_000)
    _commit(poa, 100_000)


def test_an_award_draws_on_its_meetings_money_first_and_gives_back_the_funds_own_first() -> None:
    conference = make_meeting()
    meeting_part = Earmark(meeting_id=conference.id)
    earmarked_gift(50_000, meeting=conference)
    bank_transfer(amount=usd(100_000))
    commitment = _commit(conference, 100_000)  # sets aside 113,000: 50,000 + 63,000
    parts = ledger.commitment_parts(commitment)
    assert (parts[meeting_part].committed, parts[GENERAL].committed) == (usd(50_000), usd(63_000))
    commitments.disburse(None, commitment, usd(40_000), description="ticket")  # + 5,200
    parts = ledger.commitment_parts(commitment)
    assert parts[meeting_part].committed == usd(4_800)  # restricted money spent first
    released = commitments.release(None, commitment, usd(60_000), reason="cheaper")
    assert released == usd(60_000)
    parts = ledger.commitment_parts(commitment)
    assert parts[GENERAL].committed == usd(3_000)  # the fund's own money came back first
    assert parts[meeting_part].committed == usd(4_800)
    assert ledger.balances(earmark=GENERAL).available == usd(100_000 - 3_000)


def test_a_refund_of_earmarked_money_is_taken_from_its_part() -> None:
    conference = make_meeting()
    gift = earmarked_gift(100_000, meeting=conference)
    bank_transfer(amount=usd(100_000))
    _commit(conference, 80_000)  # 90,400 of the meeting's 100,000
    admin = make_user(roles=[Role.FUND_ADMINISTRATOR])
    with pytest.raises(DomainError, match="uncovered"):
        refunds.request_refund(admin, gift, usd(20_000), "the donor asked")
    refunds.request_refund(admin, gift, usd(9_600), "the donor asked")
    assert ledger.balances(earmark=Earmark(meeting_id=conference.id)).available == usd(0)
    assert ledger.balances(earmark=GENERAL).available == usd(100_000)


def test_the_suggestion_funds_no_award_with_money_earmarked_for_another_meeting() -> None:
    from datetime import UTC, datetime

    def candidate(number: int, draws_on: tuple) -> ranking.Candidate:
        return ranking.Candidate(
            application_id=number,
            state=f"State {number}",
            least_developed=True,
            sponsored_before=False,
            capital_based=True,
            region="Africa",
            gender="female",
            submitted_at=datetime(2018, 5, number, tzinfo=UTC),
            cost_minor=100,
            draws_on=draws_on,
        )

    a, b = Earmark(meeting_id=1), Earmark(meeting_id=2)
    places = ranking.rank([candidate(1, (b, GENERAL)), candidate(2, (a, GENERAL))])
    parts = {a: 100, GENERAL: 0}
    suggestion = ranking.suggest(places, 100, parts=parts, general=GENERAL)
    assert [p.candidate.application_id for p in suggestion.funded] == [2]
    assert [p.candidate.application_id for p in suggestion.skipped] == [1]
    more = ranking.suggest(places, 100, 100, parts=parts, general=GENERAL)
    assert [p.candidate.application_id for p in more.next_if_more] == [1]


def test_the_fund_page_shows_each_part(client, login) -> None:
    from meetings.extensions import db

    conference = make_meeting()
    earmarked_gift(200_000, meeting=conference)
    bank_transfer(amount=usd(100_000))
    db.session.commit()
    login(Role.FUND_ADMINISTRATOR)
    html = client.get("/fund").get_data(as_text=True)
    assert "Earmarked money" in html
    assert conference.title in html
    assert "Not earmarked" in html
