"""The whole registration flow in a browser: delegate → focal point → secretariat → badge."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from meetings import clock
from meetings.auth.models import Role
from meetings.extensions import db
from meetings.reference.services import state_by_code
from meetings.schedule import services as schedule
from meetings.schedule.models import MeetingFormat, MeetingKind, MeetingState
from tests.factories.auth import PASSWORD, make_user
from tests.factories.registration import PDF, photo_bytes

CODE = "BROWSER-REG"


@pytest.fixture
def people(in_app) -> dict[str, str]:
    if schedule.meeting_with_code(CODE) is None:
        today = clock.now().date()
        process = schedule.get_or_create_process(None, code="POA", title="Programme of Action")
        meeting = schedule.create_meeting(
            None,
            schedule.MeetingData(
                process_id=process.id,
                code=CODE,
                title="Browser registration meeting",
                kind=MeetingKind.OTHER,
                venue="New York",
                timezone="America/New_York",
                start_date=today + timedelta(days=30),
                end_date=today + timedelta(days=34),
                format=MeetingFormat.IN_PERSON,
                registration_opens_on=today - timedelta(days=1),
                registration_deadline=today + timedelta(days=20),
            ),
        )
        schedule.change_meeting_state(None, meeting, MeetingState.REGISTRATION_OPEN)
        schedule.set_published(None, meeting, True)
        make_user(email="reg-delegate@example.org", full_name="Amina Diallo")
        make_user(
            email="reg-focal@example.org", roles=[Role.FOCAL_POINT], state=state_by_code("GH")
        )
        make_user(email="reg-secretariat@example.org", roles=[Role.SECRETARIAT])
        db.session.commit()
    return {
        "delegate": "reg-delegate@example.org",
        "focal point": "reg-focal@example.org",
        "secretariat": "reg-secretariat@example.org",
    }


def _logged_in(browser: Any, live_server: Any, email: str) -> Any:
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/dashboard$"))
    return page


def test_register_approve_accredit_badge_and_list(
    browser, live_server, people, tmp_path: Path
) -> None:
    letter = tmp_path / "nomination-letter.pdf"
    letter.write_bytes(PDF)
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(photo_bytes())

    delegate = _logged_in(browser, live_server, people["delegate"])
    delegate.goto(f"/meetings/{CODE}")
    delegate.get_by_role("link", name="Register for this meeting").click()
    delegate.get_by_label("Member State", exact=True).check()
    delegate.get_by_label("Which Member State").select_option(label="Ghana")
    # The page's script hides the other kinds' fields once it has run: wait for it, not a moment.
    delegate.get_by_label("Which non-governmental organization").wait_for(state="hidden")
    delegate.get_by_label("Role in the delegation").select_option("adviser")
    delegate.get_by_label("Title", exact=True).select_option("Ms.")
    delegate.get_by_label("Given names (as in passport)").fill("Amina")
    delegate.get_by_label("Family name (as in passport)").fill("Diallo")
    delegate.get_by_label("Functional title").fill("Counsellor")
    delegate.get_by_label("Gender").select_option("female")
    delegate.get_by_label("Nomination letter").set_input_files(str(letter))
    delegate.get_by_label("Photo for the grounds pass").set_input_files(str(photo))
    delegate.get_by_label("My name may appear in the public list of participants").check()
    delegate.get_by_role("button", name="Submit registration").click()
    delegate.wait_for_url(re.compile(r"/registrations/\d+$"))
    assert delegate.get_by_text("submitted", exact=True).is_visible()

    focal = _logged_in(browser, live_server, people["focal point"])
    focal.get_by_role("link", name="My delegation").click()
    focal.get_by_role("link", name="Browser registration meeting").click()
    focal.get_by_role("button", name="Approve — Amina Diallo").click()
    assert focal.get_by_text("The registration is now approved by the focal point.").is_visible()

    secretariat = _logged_in(browser, live_server, people["secretariat"])
    # The dashboard says what waits; the list opens on the current meeting, this one or not.
    assert secretariat.get_by_role("heading", name="Waiting for the secretariat").is_visible()
    secretariat.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Registrations"
    ).click()
    secretariat.get_by_label("Meeting", exact=True).select_option("all")
    secretariat.get_by_label("Name or e-mail").fill("reg-delegate@")
    secretariat.get_by_role("button", name="Filter").click()
    secretariat.get_by_label("Select Amina Diallo").check()
    secretariat.get_by_role("button", name="Accredit the selected registrations").click()
    assert secretariat.get_by_text("1 registration accredited.").is_visible()

    delegate.goto("/dashboard")
    assert delegate.get_by_text("accredited", exact=True).is_visible()
    delegate.get_by_role("link", name="Badge").click()
    # A preview for the delegate: photo, category in colour and word, no check-in code.
    assert delegate.get_by_text("Preview — not valid").is_visible()
    assert delegate.locator(".pass-qr").count() == 0
    assert delegate.get_by_text("Ms. Amina Diallo").is_visible()
    assert delegate.get_by_role("img", name="Photo of Amina Diallo").is_visible()
    assert delegate.locator(".pass-category").inner_text().lower() == "member state"
    # The secretariat prints the pass, with the code the gate scans.
    secretariat.goto(delegate.url)
    assert secretariat.locator(".pass-qr svg").is_visible()
    assert secretariat.get_by_role("button", name="Print").is_visible()

    delegate.goto(f"/meetings/{CODE}/participants")
    assert delegate.get_by_role("heading", name="Ghana").is_visible()
    assert delegate.get_by_text("Ms. Amina Diallo, Counsellor").is_visible()
