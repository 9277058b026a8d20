"""What anyone reads: the programme with its version as ETag (304 while unchanged, 200 once it
changes), cursors that walk a list, problem details in the reader's language, the lists of
speakers, delivered statements, the fund's figures and the national reports."""

from __future__ import annotations

from datetime import time

from meetings.extensions import db
from meetings.schedule.models import SittingStatus
from meetings.schedule.sittings import change_status
from tests.factories.registration import make_open_meeting
from tests.factories.schedule import make_room, make_sitting


def test_the_programme_answers_304_until_it_changes(api) -> None:
    meeting = make_open_meeting()
    first = make_sitting(meeting, number=1, room=make_room(name="Conference Room 4"))
    make_sitting(meeting, number=2)
    db.session.commit()
    url = f"/api/v1/meetings/{meeting.code}/sittings"
    answer = api.get(url)
    assert answer.status_code == 200
    body = answer.json
    assert [item["number"] for item in body["items"]] == [1, 2]
    assert body["items"][0]["room"].startswith("Conference Room 4")
    assert body["items"][0]["starts_at"].endswith(("+00:00", "Z"))
    etag = answer.headers["ETag"]
    assert api.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert (
        api.get(f"/api/v1/meetings/{meeting.code}", headers={"If-None-Match": etag}).status_code
        == 304
    )
    change_status(None, first, SittingStatus.CANCELLED)
    db.session.commit()
    changed = api.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.json["items"][0]["status"] == "cancelled"
    assert changed.headers["ETag"] != etag


def test_a_cursor_walks_the_list_once(api) -> None:
    meeting = make_open_meeting()
    for number in range(1, 6):
        make_sitting(meeting, number=number, start=time(8 + number), end=time(9 + number))
    db.session.commit()
    seen, cursor = [], None
    while True:
        query = {"limit": "2", **({"cursor": cursor} if cursor else {})}
        page = api.get(f"/api/v1/meetings/{meeting.code}/sittings", query_string=query).json
        seen += [item["number"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [1, 2, 3, 4, 5]


def test_errors_are_problem_details_in_the_readers_language(api) -> None:
    missing = api.get("/api/v1/meetings/NOPE", headers={"Accept-Language": "fr"})
    assert missing.status_code == 404
    assert missing.headers["Content-Type"] == "application/problem+json"
    problem = missing.json
    assert problem["type"].endswith("/not-found")
    assert problem["status"] == 404
    assert problem["instance"] == "/api/v1/meetings/NOPE"
    assert "réunion" in problem["detail"]
    refused = api.get("/api/v1/meetings", query_string={"limit": "0"})
    assert refused.status_code == 422
    assert refused.json["errors"][0]["field"] == "limit"
    forged = api.get("/api/v1/meetings", query_string={"cursor": "not-ours"})
    assert forged.status_code == 422
    assert forged.json["errors"][0]["field"] == "cursor"


def test_the_openapi_document_is_3_1_and_its_reference_page_is_served(api) -> None:
    document = api.get("/api/v1/openapi.json").json
    assert document["openapi"].startswith("3.1")
    assert "/api/v1/meetings/{code}/sittings" in document["paths"]
    secured = document["paths"]["/api/v1/me"]["get"]
    assert secured["security"] == [{"token": []}]
    page = api.get("/developers/api").get_data(as_text=True)
    assert "GET /api/v1/meetings/{code}/sittings" in page
    assert "cdn" not in page.lower()


def test_public_lists_of_the_floor_reports_and_the_fund(api) -> None:
    meeting = make_open_meeting()
    db.session.commit()
    assert api.get(f"/api/v1/meetings/{meeting.code}/speakers").json["items"] == []
    assert api.get(f"/api/v1/meetings/{meeting.code}/statements").json["items"] == []
    assert api.get(f"/api/v1/meetings/{meeting.code}/participants").status_code == 200
    fund = api.get("/api/v1/fund").json
    assert fund["given"]["currency"] == "USD"
    assert isinstance(api.get("/api/v1/reports/rates").json, list)
    assert api.get("/api/v1/reports").json["next_cursor"] is None
