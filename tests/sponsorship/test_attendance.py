"""Attendance is recorded once the meeting has begun, proposed from the nominee's check-in; the
award is settled only when the administrator says yes to what settling does."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest

from meetings.auth.models import Role
from meetings.extensions import db
from meetings.money import Money, format_amount
from meetings.registration.models import Registration
from meetings.sponsorship import applications, offers
from meetings.sponsorship.models import ApplicationStatus as S
from tests.factories.auth import make_user
from tests.factories.fund import bank_transfer
from tests.factories.sponsorship import accredit, applicant, apply, make_call, offered
from tests.support import form_errors


@pytest.fixture
def booked():
    bank_transfer(amount=Money(10_000_000, "USD"))
    call = make_call()
    who = applicant(call.meetings[0], "SL")
    admin = make_user(roles=[Role.FUND_ADMINISTRATOR])
    application = offered(apply(call, who))
    applications.move(who.focal_point, application, S.ACCEPTED)
    accredit(who.registration_id)
    offers.book_travel(admin, application, Money(150_000, "USD"), "TKT-1")
    db.session.commit()
    return application, admin


def _first_day(application):
    return application.meeting.starts_at.astimezone(UTC) + timedelta(hours=9)


def test_attendance_cannot_be_recorded_before_the_meeting_begins(client, login, booked) -> None:
    application, admin = booked
    login(admin)
    url = f"/sponsorship/manage/applications/{application.id}"
    page = client.get(url).get_data(as_text=True)
    assert "Attendance can be recorded from" in page
    assert "Record attendance" not in page
    award = offers.award_of(application)
    assert award is not None
    assert f'value="{format_amount(award.dsa + award.terminal)}"' in page  # the DSA, prefilled
    refused = client.submit(f"{url}/status", {"target": "attended"}, follow_redirects=True)
    assert "Attendance is recorded once the meeting has begun" in refused.get_data(as_text=True)
    db.session.refresh(application)
    assert application.status is S.TRAVEL_BOOKED


def test_attendance_is_proposed_from_the_nominees_check_in(client, login, booked, now) -> None:
    application, admin = booked
    moment = now(_first_day(application))
    nominee = db.session.get(Registration, application.registration_id)
    assert nominee is not None
    nominee.checked_in_at = moment
    db.session.commit()
    login(admin)
    page = client.get(f"/sponsorship/manage/applications/{application.id}").get_data(as_text=True)
    assert "was checked in at the venue on" in page
    assert "Record attendance" in page


def test_settling_asks_first_and_nothing_changes_until_the_box_is_ticked(
    client, login, booked, now
) -> None:
    application, admin = booked
    now(_first_day(application))
    applications.move(admin, application, S.ATTENDED)
    db.session.commit()
    login(admin)
    url = f"/sponsorship/manage/applications/{application.id}"
    before = offers.money_of(application)
    assert before is not None
    assert before.outstanding.amount > 0
    refused = client.submit(f"{url}/settle", {})
    assert refused.status_code == 422
    assert any("Tick the box to settle" in m for m in form_errors(refused))
    db.session.refresh(application)
    assert application.status is S.ATTENDED
    settled = client.submit(f"{url}/settle", {"confirm": "y"})
    assert settled.status_code == 302
    db.session.refresh(application)
    assert application.status is S.SETTLED
