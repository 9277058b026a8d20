from __future__ import annotations

import re
from datetime import time
from typing import Any

import pytest

from meetings.extensions import db
from meetings.schedule.models import SittingKind
from meetings.schedule.services import meeting_with_code
from tests.factories.schedule import make_meeting, make_room, make_sitting


@pytest.fixture
def programme(in_app) -> str:
    if meeting_with_code("BROWSER-PROG") is None:
        meeting = make_meeting(code="BROWSER-PROG")
        room4, room2 = make_room("Browser Room 4"), make_room("Browser Room 2")
        make_sitting(meeting, room=room4, title="1st plenary meeting")
        make_sitting(
            meeting,
            room=room2,
            title="Side event: tracing",
            kind=SittingKind.SIDE_EVENT,
            start=time(13, 15),
            end=time(14, 30),
        )
        make_sitting(meeting, room=room4, title="2nd plenary meeting", start=time(15), end=time(18))
        db.session.commit()
    return "BROWSER-PROG"


def test_open_the_programme_filter_to_plenaries_and_follow_the_subscribe_link(
    page: Any, programme: str
) -> None:
    page.goto("/meetings")
    page.get_by_role("link", name=re.compile("Test meeting")).first.click()
    page.wait_for_url(re.compile(rf"/meetings/{programme}$"))
    assert page.get_by_role("link", name="Side event: tracing").is_visible()

    page.get_by_label("Kind").select_option("plenary")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"kind=plenary"))
    assert page.get_by_role("link", name="1st plenary meeting").is_visible()
    assert page.get_by_role("link", name="2nd plenary meeting").is_visible()
    assert page.get_by_role("link", name="Side event: tracing").count() == 0

    subscribe = page.get_by_role("link", name="Subscribe — Plenary meetings only")
    href = subscribe.get_attribute("href")
    assert href is not None
    assert href.startswith("webcal://")
    assert href.endswith(f"/meetings/{programme}/calendar/plenary.ics")
    # A browser hands webcal:// to the calendar program, which fetches it over http: do the same.
    response = page.request.get("http://" + href.removeprefix("webcal://"))
    assert response.status == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    body = response.text()
    assert body.count("BEGIN:VEVENT") == 2
    assert "SUMMARY:1st plenary meeting" in body
    assert "Side event" not in body
