"""A focal point applies; an administrator marks it eligible, scores it and offers; the focal point
accepts; travel is booked; the nominee attends; the award is settled; the fund page shows the
money spent and released."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from meetings import clock
from meetings.auth.models import Role
from meetings.extensions import db
from meetings.money import Money
from meetings.reference.services import state_by_code
from meetings.registration import services as registration
from meetings.schedule import services as schedule
from meetings.schedule.models import MeetingFormat, MeetingKind, MeetingState
from meetings.sponsorship import calls, dsa
from meetings.sponsorship.models import Eligibility
from tests.factories.auth import PASSWORD, make_user
from tests.factories.fund import bank_transfer
from tests.factories.registration import PDF, person

CODE = "BROWSER-SPONSOR"


@pytest.fixture
def sponsorship_case(in_app) -> dict[str, Any]:
    today = clock.now().date()
    process = schedule.get_or_create_process(None, code="POA", title="Programme of Action")
    meeting = schedule.create_meeting(
        None,
        schedule.MeetingData(
            process_id=process.id,
            code=CODE,
            title="Browser sponsorship meeting",
            kind=MeetingKind.OTHER,
            venue="New York",
            timezone="America/New_York",
            start_date=today + timedelta(days=40),
            end_date=today + timedelta(days=44),
            format=MeetingFormat.IN_PERSON,
            registration_opens_on=today - timedelta(days=1),
            registration_deadline=today + timedelta(days=30),
        ),
    )
    schedule.change_meeting_state(None, meeting, MeetingState.REGISTRATION_OPEN)
    schedule.set_published(None, meeting, True)
    focal = make_user(
        email="sponsor-focal@example.org", roles=[Role.FOCAL_POINT], state=state_by_code("SL")
    )
    member = registration.add_member(
        focal,
        registration.focal_point_delegation(focal, meeting),
        person(given_names="Fatmata", family_name="Kamara"),
    )
    admin = make_user(email="sponsor-admin@example.org", roles=[Role.FUND_ADMINISTRATOR])
    dsa.set_rate(None, "New York", Money(40_000, "USD"), date(2018, 1, 1))
    calls.create_call(
        None,
        calls.CallData(
            title="Browser sponsorship call",
            meeting_ids=[meeting.id],
            opens_on=today - timedelta(days=1),
            deadline=today + timedelta(days=20),
            eligibility=Eligibility.DEVELOPING_LDC_FIRST,
            dsa_city="New York",
        ),
    )
    bank_transfer(amount=Money(2_000_000, "USD"), value_date=today.replace(day=1), actor=admin)
    db.session.commit()
    return {"focal": focal.email, "admin": admin.email, "member": member.id}


def _log_in(browser: Any, live_server: Any, email: str) -> Any:
    page = browser.new_context(base_url=live_server.url).new_page()
    page.set_default_timeout(15_000)
    page.goto("/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/dashboard$"))
    return page


def _fund_totals(page: Any) -> dict[str, str]:
    page.goto("/fund")
    totals = page.locator(".totals dt")
    return {
        totals.nth(i).inner_text(): page.locator(".totals dd").nth(i).inner_text()
        for i in range(totals.count())
    }


def _usd(text: str) -> Decimal:
    return Decimal(text.replace("$", "").replace(",", ""))


def test_apply_review_offer_accept_travel_attend_settle(
    browser, live_server, sponsorship_case, in_app, tmp_path: Path, monkeypatch
) -> None:
    document = tmp_path / "document.pdf"
    document.write_bytes(PDF)

    focal = _log_in(browser, live_server, sponsorship_case["focal"])
    focal.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Apply for sponsorship"
    ).click()
    focal.get_by_role("link", name="Apply for Sierra Leone").click()
    # A member or someone new, one at a time: the new person's fields stay out of the way.
    assert focal.get_by_label("A member of our delegation to the meeting").is_checked()
    assert not focal.get_by_label("Given names (as in passport)").is_visible()
    nominee = focal.get_by_label("Nominee", exact=True)
    option = nominee.locator("option", has_text="Fatmata Kamara").get_attribute("value")
    nominee.select_option(option)
    focal.get_by_label("City of departure").fill("Freetown")
    focal.get_by_label("Economy airfare (estimate)").fill("about 1200")
    focal.get_by_label("DSA days").fill("3")
    focal.get_by_label("Terminal expenses").fill("100")
    focal.get_by_label("Why the State needs the fund's support").fill("No travel budget this year.")
    for label in ("Note verbale", "Nomination form", "Copy of the passport"):
        focal.get_by_label(label).set_input_files(str(document))
    focal.get_by_role("button", name="Submit application").click()
    # The amount is refused; the three documents are kept, and the page says so beside each.
    focal.get_by_text("There is a problem").wait_for()
    assert focal.locator(".kept-file").count() == 3
    focal.get_by_label("Economy airfare (estimate)").fill("1,200.00")
    focal.get_by_role("button", name="Submit application").click()
    focal.wait_for_url(re.compile(r"/sponsorship/applications/\d+$"))
    assert focal.locator(".badge").first.inner_text() == "Submitted"
    application_url = focal.url
    focal.goto("/sponsorship")
    assert focal.get_by_text("Sierra Leone has applied for").first.is_visible()
    assert focal.get_by_role("link", name="Apply for Sierra Leone").count() == 0

    admin = _log_in(browser, live_server, sponsorship_case["admin"])
    before = _fund_totals(admin)  # other browser tests put money in the same fund
    admin.get_by_role("link", name="Sponsorship", exact=True).click()
    admin.get_by_role("link", name="Browser sponsorship call").click()
    admin.get_by_role("link", name="Sierra Leone").click()
    admin.get_by_role("button", name="Mark eligible — Sierra Leone").click()
    admin.get_by_role("button", name="Start review — Sierra Leone").click()
    admin.get_by_label("Score").select_option("4")
    admin.get_by_label("Assessment").fill("Capital-based expert, complete file.")
    admin.get_by_label("Message to the State").fill("Your file is complete.")
    admin.get_by_role("button", name="Save review").click()
    admin.get_by_text("Review saved.").wait_for()
    admin.get_by_role("button", name="Propose the offer").click()
    admin.get_by_text(re.compile(r"Offer made: \$2,825\.00 committed")).wait_for()

    focal.goto(application_url)
    assert focal.get_by_text("$2,500.00").is_visible()
    assert focal.get_by_text("Your file is complete.").is_visible()
    assert focal.get_by_text("Capital-based expert").count() == 0
    focal.get_by_role("button", name="Accept the offer — Sierra Leone").click()
    # Accepting asks first, with what happens next.
    focal.get_by_role("heading", name="Accept the fund's offer?").wait_for()
    assert focal.get_by_role("heading", name="What happens next").is_visible()
    focal.get_by_role("button", name="Yes, accept the offer").click()
    focal.get_by_text("The application is now “Accepted”.").wait_for()

    with in_app.app_context():
        from tests.factories.sponsorship import accredit

        accredit(sponsorship_case["member"])
        db.session.commit()

    admin.reload()
    travel = admin.locator("form[action$='/travel']")
    travel.get_by_label("Amount").fill("1,150.00")
    travel.get_by_label("Ticket reference").fill("TKT-SL-001")
    travel.get_by_role("button", name="Record the ticket").click()
    admin.get_by_text("Travel booked; the ticket is paid out.").wait_for()
    # Before the meeting nobody can say the nominee attended; on its first day, they can.
    admin.get_by_text("Attendance can be recorded from").wait_for()
    assert admin.get_by_role("button", name="Record attendance — Sierra Leone").count() == 0
    during = clock.now() + timedelta(days=41)  # the meeting runs from day 40 to day 44
    monkeypatch.setattr(clock, "now", lambda: during)
    admin.reload()
    admin.get_by_text("No check-in is recorded for the nominee.").wait_for()
    admin.get_by_role("button", name="Record attendance — Sierra Leone").click()
    dsa_form = admin.locator("form[action$='/dsa']")
    dsa_form.get_by_label("Amount").fill("1,300.00")
    dsa_form.get_by_role("button", name="Record the payment").click()
    admin.get_by_text("DSA paid.").wait_for()
    admin.get_by_role("button", name="Settle the award").click()
    admin.get_by_text("Tick the box to settle").first.wait_for()  # it asks first
    admin.get_by_label("Yes: return what is still set aside").check()
    admin.get_by_role("button", name="Settle the award").click()
    admin.get_by_text(re.compile(r"Settled: \$[\d,.]+ returned to the fund\.")).wait_for()

    facts = _fund_totals(admin)
    assert facts["Set aside for awards offered"] == "$0.00"
    assert facts["Paid out for travel and allowances"] == "$2,450.00"
    assert facts["Programme support costs"] == "$318.50"
    spent = Decimal("2450.00") + Decimal("318.50")
    available = "Available for new awards"
    assert _usd(facts[available]) == _usd(before[available]) - spent
