"""Side events through their pages: a refused request keeps what was typed beside the field;
an approved side event is in the programme and the feed, its page naming the organisers."""

from __future__ import annotations

from meetings.extensions import db
from meetings.floor import side_events
from meetings.floor.side_event_models import SideEventRequest
from meetings.schedule.models import Sitting
from tests.factories.schedule import make_room
from tests.floor.factories import focal
from tests.floor.test_side_events import _data, _setup


def test_a_refused_request_keeps_what_was_typed(client, login) -> None:
    _desk, meeting, lunch, _evening = _setup()
    ghana = focal("GH")
    login(ghana)
    url = f"/delegation/floor/meetings/{meeting.code}/side-events"
    refused = client.submit(
        url,
        {
            "title": "Stockpiles",
            "description": "A panel.",
            "expected_audience": "lots",
            "languages": ["fr"],
            "slots": [str(lunch.id)],
        },
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert 'id="expected_audience-error"' in page
    assert 'value="Stockpiles"' in page
    assert f'value="{lunch.id}" checked' in page
    assert db.session.query(SideEventRequest).count() == 0
    done = client.submit(
        url,
        {
            "title": "Stockpiles",
            "description": "A panel.",
            "expected_audience": "1,200",
            "languages": ["fr"],
            "slots": [str(lunch.id)],
        },
    )
    assert done.status_code == 302
    assert db.session.query(SideEventRequest).one().expected_audience == 1200


def test_an_approved_side_event_is_in_the_programme_and_the_feed(client) -> None:
    desk, meeting, lunch, _evening = _setup()
    request = side_events.request_side_event(focal("GH"), meeting, _data(lunch))
    side_events.approve(desk, request, lunch.id, make_room(capacity=200).id)
    db.session.commit()
    programme = client.get(f"/meetings/{meeting.code}").get_data(as_text=True)
    assert "Marking and tracing in the Sahel" in programme
    sitting = db.session.get(Sitting, db.session.get_one(SideEventRequest, request.id).sitting_id)
    assert sitting is not None
    page = client.get(f"/meetings/{meeting.code}/sittings/{sitting.number}").get_data(as_text=True)
    assert "Ghana, Niger, Small Arms Survey" in page
    assert "Wheelchair" not in page  # accessibility needs are for the secretariat
    feed = client.get(f"/meetings/{meeting.code}/calendar.ics").get_data(as_text=True)
    unfolded = feed.replace("\r\n ", "")
    assert "Marking and tracing in the Sahel" in unfolded
    assert "Organised by Ghana" in unfolded
