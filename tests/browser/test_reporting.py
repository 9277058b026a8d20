"""A focal point fills the national report section by section and submits it; the secretariat
reads the submission rate, its chart and its table."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest

from meetings import clock
from meetings.auth.models import Role
from meetings.extensions import db
from meetings.reference.services import state_by_code
from meetings.reporting import cycles
from meetings.reporting.models import Instruments
from meetings.reporting.template_files import latest, load_templates
from meetings.schedule import services as schedule
from tests.browser.checkers import axe_violations, require_tools
from tests.browser.conftest import browser_meeting, logged_in
from tests.factories.auth import make_user

CODE = "BROWSER-REPORTS"


@pytest.fixture
def reporting_case(in_app) -> dict[str, Any]:
    browser_meeting(CODE, "Browser reporting meeting")
    meeting = schedule.meeting_with_code(CODE)
    assert meeting is not None
    cycle = cycles.cycle_of_meeting(meeting.id)
    if cycle is None:
        load_templates()
        template = latest()
        assert template is not None
        today = clock.now().date()
        cycle = cycles.create_cycle(
            None,
            cycles.CycleData(
                meeting_id=meeting.id,
                template_id=template.id,
                instruments=Instruments.POA,
                opens_on=today - timedelta(days=3),
                closes_on=today + timedelta(days=14),
            ),
        )
    focal = make_user(
        email=f"reports-focal-{clock.now().timestamp():.0f}@example.org",
        roles=[Role.FOCAL_POINT],
        state=state_by_code("TG"),
    )
    desk = make_user(
        email=f"reports-desk-{clock.now().timestamp():.0f}@example.org", roles=[Role.SECRETARIAT]
    )
    db.session.commit()
    return {"cycle": cycle.id, "focal": focal.email, "desk": desk.email}


def _answer_contact(page: Any, question: str, name: str) -> None:
    page.locator(f"[id='{question}.name']").fill(name)
    page.locator(f"[id='{question}.email']").fill("npc@example.org")


def test_a_focal_point_fills_and_submits_the_report_and_the_secretariat_sees_it(
    browser, live_server, reporting_case
) -> None:
    require_tools()
    # axe is injected into the page: the test's own script, allowed past the page's CSP.
    page = logged_in(browser, live_server, reporting_case["focal"], bypass_csp=True)
    page.get_by_role("link", name="National reports", exact=True).first.click()
    page.get_by_role("button", name="Start the report").click()
    page.wait_for_url(re.compile(r"/reports/mine/\d+$"))
    assert not axe_violations(page)
    page.get_by_role("link", name="National coordination").click()
    assert not axe_violations(page)
    page.get_by_role("group", name=re.compile("national coordination agency")).get_by_label(
        "Yes"
    ).check()
    page.get_by_label("Yes, in force").check()
    page.get_by_role("button", name="Save and go to the next section").click()
    # Points of contact: a wrong address is said beside the field, what was typed is kept.
    _answer_contact(page, "contacts.poa_point", "Kofi Mensah")
    page.locator("[id='contacts.poa_point.email']").fill("not an address")
    _answer_contact(page, "contacts.poa_agency", "Ama Owusu")
    page.get_by_role("button", name="Save and go to the next section").click()
    assert page.get_by_text("Enter an e-mail address like name@example.org.").first.is_visible()
    assert page.locator("[id='contacts.poa_point.name']").input_value() == "Kofi Mensah"
    page.locator("[id='contacts.poa_point.email']").fill("npc@example.org")
    page.get_by_role("button", name="Save and go to the next section").click()
    page.get_by_label("Yes").check()  # manufacture licensed
    page.get_by_role("button", name="Save and go to the next section").click()
    page.get_by_role("button", name="Save and go to the next section").click()  # records
    page.get_by_role("group", name=re.compile("end-user certificates")).get_by_label("Yes").check()
    page.get_by_role("button", name="Save and go to the next section").click()
    page.get_by_label("Some of them").check()
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(re.compile(r"/reports/mine/\d+$"))
    page.get_by_role("button", name="Submit the report").click()
    assert page.get_by_text("The report is submitted. Thank you.").is_visible()
    page.context.close()

    desk = logged_in(browser, live_server, reporting_case["desk"], bypass_csp=True)
    desk.goto(f"/secretariat/reporting/{reporting_case['cycle']}")
    assert desk.get_by_text(re.compile(r"\b1 of 193 Member States have submitted")).is_visible()
    loaded = desk.evaluate("document.querySelector('figure img').naturalWidth")
    assert loaded > 0
    assert not axe_violations(desk)
    desk.get_by_role("link", name="Submitted", exact=True).click()
    assert desk.get_by_role("link", name="Togo").is_visible()
    desk.context.close()
