"""The conference floor in a browser: a focal point inscribes its State, names its speaker and
uploads an embargoed statement (which the public does not see); the secretariat runs the list
during the sitting (the timer, a speaker marked as having spoken, a move with its reason) while
the public page follows without being reloaded."""

from __future__ import annotations

import re
from datetime import time, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from meetings import clock
from meetings.auth.models import Role
from meetings.extensions import db
from meetings.floor import lists, speakers
from meetings.floor.order import Level
from meetings.reference.services import state_by_code
from meetings.schedule import services as schedule
from meetings.schedule.models import SittingKind
from meetings.schedule.sittings import SittingData, schedule_sitting
from tests.browser.checkers import axe_violations, require_tools
from tests.browser.conftest import browser_meeting, logged_in
from tests.factories.auth import make_user
from tests.factories.registration import PDF

CODE = "BROWSER-FLOOR"


@pytest.fixture
def floor_case(in_app) -> dict[str, Any]:
    browser_meeting(CODE, "Browser floor meeting")
    meeting = schedule.meeting_with_code(CODE)
    assert meeting is not None
    stamp = f"{clock.now().timestamp():.0f}"
    desk = make_user(email=f"floor-desk-{stamp}@example.org", roles=[Role.SECRETARIAT])
    focal = make_user(
        email=f"floor-focal-{stamp}@example.org",
        roles=[Role.FOCAL_POINT],
        state=state_by_code("UY"),
    )
    if not schedule_sitting_exists(meeting):
        schedule_sitting(
            None,
            meeting,
            SittingData(
                kind=SittingKind.PLENARY,
                title="General debate",
                day=meeting.start_date,
                start=time(10),
                end=time(13),
                room_id=None,
                agenda_items="General debate",
            ),
        )
    found = lists.create_list(
        desk, meeting.id, f"Debate {stamp}", clock.now() - timedelta(hours=1), 180
    )
    for code, level in (("GH", Level.MINISTER), ("KE", Level.PERMANENT_REPRESENTATIVE)):
        state = state_by_code(code)
        assert state is not None
        states_focal = make_user(
            email=f"floor-{code.lower()}-{stamp}@example.org",
            roles=[Role.FOCAL_POINT],
            state=state,
        )
        speakers.inscribe_state(states_focal, found, state.id, level, None)
    db.session.commit()
    return {"list": found.id, "desk": desk.email, "focal": focal.email}


def schedule_sitting_exists(meeting: Any) -> bool:
    from meetings.schedule.queries import sittings

    return bool(sittings(meeting))


def test_a_focal_point_inscribes_and_uploads_an_embargoed_statement(
    browser, live_server, floor_case, tmp_path: Path
) -> None:
    require_tools()
    page = logged_in(browser, live_server, floor_case["focal"], bypass_csp=True)
    page.goto(f"/speakers/{floor_case['list']}")
    page.get_by_label("Level of your speaker").select_option(label="Vice-Minister")
    page.get_by_role("button", name="Inscribe Uruguay").click()
    assert page.get_by_text("Your State is on the list of speakers.").is_visible()
    # A Vice-Minister speaks after a Minister and before a Permanent Representative.
    assert page.get_by_text("Uruguay is on the list: place 2.").is_visible()
    assert not axe_violations(page)

    page.goto(f"/meetings/{CODE}/statements/mine")
    statement = tmp_path / "statement-uruguay.pdf"
    statement.write_bytes(PDF)
    page.get_by_label("Sitting", exact=True).select_option(index=1)
    page.get_by_label("Language of the statement").select_option(label="Spanish")
    page.get_by_label("File (PDF or Word)").set_input_files(str(statement))
    assert page.get_by_label("Embargoed until delivered").is_checked()
    assert not axe_violations(page)
    page.get_by_role("button", name="Upload the statement").click()
    page.wait_for_url(re.compile(r"/statements/mine$"))
    assert page.get_by_role("link", name="statement-uruguay.pdf").is_visible()
    page.context.close()

    public = browser.new_page(base_url=live_server.url)
    public.goto(f"/meetings/{CODE}/statements")
    assert public.get_by_text("statement-uruguay.pdf").count() == 0
    public.close()


def test_the_secretariat_runs_the_list_and_the_public_page_follows(
    browser, live_server, floor_case
) -> None:
    require_tools()
    public = browser.new_page(base_url=live_server.url)
    public.goto(f"/speakers/{floor_case['list']}")
    next_speakers = public.locator("[data-live-speakers] li")
    assert next_speakers.first.inner_text().startswith("Ghana")

    desk = logged_in(browser, live_server, floor_case["desk"], bypass_csp=True)
    desk.goto(f"/secretariat/speakers/{floor_case['list']}")
    assert not axe_violations(desk)
    # The presiding officer's timer counts down the three minutes.
    timer = desk.locator("[data-speaker-timer] output")
    assert timer.inner_text() == "3:00"
    desk.get_by_role("button", name="Start / pause").click()
    expect(timer).not_to_have_text("3:00", timeout=5_000)
    desk.get_by_role("button", name="Has spoken — Ghana").click()
    assert desk.get_by_text("Noted.").is_visible()
    desk.get_by_label("Minutes", exact=True).fill("2")
    desk.get_by_label("Seconds", exact=True).fill("30")
    desk.get_by_role("button", name="Set the time").click()
    assert desk.get_by_role("heading", name="Time per speaker: 2:30").is_visible()
    desk.context.close()

    # The public page, never reloaded, shows Kenya first within its ten-second refresh.
    expect(next_speakers.first).to_have_text(re.compile(r"^Kenya"), timeout=15_000)
    public.close()
