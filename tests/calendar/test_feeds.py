"""Feeds parsed back with icalendar and with vobject, and compared with the database."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import vobject
from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar
from sqlalchemy.orm import joinedload

from meetings import clock
from meetings.auth.models import Role
from meetings.calendar import feeds
from meetings.extensions import db
from meetings.schedule import following
from meetings.schedule.models import Sitting, SittingKind, SittingStatus
from meetings.schedule.sittings import SittingData, change_status, sitting_data, update_sitting
from tests.factories.auth import make_user
from tests.factories.schedule import make_meeting, make_room, make_sitting


@pytest.fixture
def programme():
    meeting = make_meeting(code="POA-REVCON3")
    room4, room2 = make_room("Conference Room 4"), make_room("Conference Room 2")
    make_sitting(
        meeting,
        room=room4,
        title="1st plenary meeting",
        agenda="Opening of the Conference\nElection of the President; officers, too",
    )
    make_sitting(meeting, room=room4, title="2nd plenary meeting", start=time(15), end=time(18))
    side = make_sitting(
        meeting,
        room=room2,
        title="Side event: marking, tracing; and more",
        kind=SittingKind.SIDE_EVENT,
        start=time(13, 15),
        end=time(14, 30),
    )
    make_sitting(meeting, room=room4, title="3rd plenary meeting", day=date(2018, 6, 19))
    change_status(None, side, SittingStatus.CANCELLED)
    db.session.commit()
    return meeting


def _sittings(meeting) -> list[Sitting]:
    return list(
        db.session.scalars(
            sa.select(Sitting)
            .options(joinedload(Sitting.room), joinedload(Sitting.meeting))
            .where(Sitting.meeting_id == meeting.id)
            .order_by(Sitting.id)
        )
    )


def _check_against_database(body: bytes, expected: list[Sitting]) -> None:
    calendar = Calendar.from_ical(body)
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert len(events) == len(expected)
    parsed = vobject.readOne(body.decode())
    by_uid = {c.uid.value: c for c in parsed.vevent_list}
    assert set(by_uid) == set(events)
    for sitting in expected:
        uid = f"sitting-{sitting.id}@meetings.localhost"
        event = events[uid]
        assert event["DTSTART"].params["TZID"] == "America/New_York"
        assert event.decoded("DTSTART").astimezone(UTC) == sitting.starts_at
        assert event.decoded("DTEND").astimezone(UTC) == sitting.ends_at
        assert int(event["SEQUENCE"]) == sitting.revision
        assert str(event["STATUS"]) == ("CANCELLED" if sitting.is_cancelled else "CONFIRMED")
        assert event.decoded("LAST-MODIFIED") == sitting.updated_at.replace(microsecond=0)
        assert event.decoded("DTSTAMP") == sitting.updated_at.replace(microsecond=0)
        other = by_uid[uid]
        assert other.dtstart.value.astimezone(UTC) == sitting.starts_at
        assert other.dtend.value.astimezone(UTC) == sitting.ends_at
        venue_offset = sitting.starts_at.astimezone(ZoneInfo("America/New_York")).utcoffset()
        assert other.dtstart.value.utcoffset() == venue_offset
        assert int(other.sequence.value) == sitting.revision
        assert other.status.value == ("CANCELLED" if sitting.is_cancelled else "CONFIRMED")
        assert other.url.value.endswith(f"/meetings/POA-REVCON3/sittings/{sitting.number}")
        if sitting.room:
            assert other.location.value == sitting.room.label
    assert len(calendar.walk("VTIMEZONE")) == 1


def test_the_meeting_feed_matches_the_database_in_both_parsers(client, programme) -> None:
    response = client.get("/meetings/POA-REVCON3/calendar.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    _check_against_database(response.data, _sittings(programme))


def test_the_feed_carries_the_calendar_properties_calendars_expect(client, programme) -> None:
    body = client.get("/meetings/POA-REVCON3/calendar.ics").get_data(as_text=True)
    lines = body.split("\r\n")
    assert "VERSION:2.0" in lines
    assert f"PRODID:{feeds.PRODID}" in lines
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in lines
    assert "X-PUBLISHED-TTL:PT1H" in lines
    assert any(line.startswith("NAME:Test meeting") for line in lines)
    assert any(line.startswith("X-WR-CALNAME:Test meeting") for line in lines)
    assert "BEGIN:VTIMEZONE" in lines
    assert "TZID:America/New_York" in lines


def test_user_text_is_escaped(client, programme) -> None:
    body = client.get("/meetings/POA-REVCON3/calendar.ics").get_data(as_text=True)
    unfolded = body.replace("\r\n ", "")
    assert "SUMMARY:Cancelled: Side event: marking\\, tracing\\; and more" in unfolded
    assert "Opening of the Conference\\nElection of the President\\; officers\\, too" in unfolded
    event = next(
        e for e in Calendar.from_ical(body).walk("VEVENT") if "marking" in str(e["SUMMARY"])
    )
    assert str(event["SUMMARY"]) == "Cancelled: Side event: marking, tracing; and more"


def test_an_unchanged_schedule_gives_byte_identical_output(client, programme, app) -> None:
    first = client.get("/meetings/POA-REVCON3/calendar.ics").data
    app.extensions["meetings_cache"].__init__()  # empty the cache: build it again from scratch
    second = client.get("/meetings/POA-REVCON3/calendar.ics").data
    assert first == second


def test_the_kind_feed_holds_only_that_kind(client, programme) -> None:
    body = client.get("/meetings/POA-REVCON3/calendar/plenary.ics").data
    plenaries = [s for s in _sittings(programme) if s.kind is SittingKind.PLENARY]
    _check_against_database(body, plenaries)


def test_the_sitting_download_holds_that_sitting(client, programme) -> None:
    sitting = _sittings(programme)[0]
    response = client.get(f"/meetings/POA-REVCON3/sittings/{sitting.number}.ics?download=1")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    _check_against_database(response.data, [sitting])


def test_editing_a_sitting_changes_sequence_last_modified_and_etag(client, programme) -> None:
    first = client.get("/meetings/POA-REVCON3/calendar.ics")
    old_etag = first.headers["ETag"]
    assert (
        client.get(
            "/meetings/POA-REVCON3/calendar.ics", headers={"If-None-Match": old_etag}
        ).status_code
        == 304
    )
    sitting = _sittings(programme)[0]
    data = sitting_data(sitting)
    update_sitting(None, sitting, SittingData(**{**data.__dict__, "start": time(10, 30)}))
    db.session.commit()
    with_old = client.get("/meetings/POA-REVCON3/calendar.ics", headers={"If-None-Match": old_etag})
    assert with_old.status_code == 200
    new_etag = with_old.headers["ETag"]
    assert new_etag != old_etag
    assert (
        client.get(
            "/meetings/POA-REVCON3/calendar.ics", headers={"If-None-Match": new_etag}
        ).status_code
        == 304
    )
    event = next(
        e
        for e in Calendar.from_ical(with_old.data).walk("VEVENT")
        if str(e["UID"]) == f"sitting-{sitting.id}@meetings.localhost"
    )
    assert int(event["SEQUENCE"]) == 1
    assert event.decoded("LAST-MODIFIED") == sitting.updated_at.replace(microsecond=0)
    _check_against_database(with_old.data, _sittings(programme))


def test_if_modified_since_answers_304_until_something_changes(client, programme) -> None:
    first = client.get("/meetings/POA-REVCON3/calendar.ics")
    since = first.headers["Last-Modified"]
    assert (
        client.get(
            "/meetings/POA-REVCON3/calendar.ics", headers={"If-Modified-Since": since}
        ).status_code
        == 304
    )
    sitting = _sittings(programme)[1]
    with clock.standing_at(datetime(2030, 1, 1, tzinfo=UTC)):  # a change, later
        sitting.updated_at = clock.now()
        sitting.revision += 1
        db.session.commit()
    assert (
        client.get(
            "/meetings/POA-REVCON3/calendar.ics", headers={"If-Modified-Since": since}
        ).status_code
        == 200
    )


def test_the_304_path_builds_nothing(client, programme, monkeypatch) -> None:
    etag = client.get("/meetings/POA-REVCON3/calendar.ics").headers["ETag"]

    def refuse(*_args, **_kwargs):
        raise AssertionError("the feed was built")

    monkeypatch.setattr("meetings.calendar.services.build_calendar", refuse)
    monkeypatch.setattr("meetings.calendar.services._load", refuse)
    response = client.get("/meetings/POA-REVCON3/calendar.ics", headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.data == b""


def test_a_repeat_request_is_answered_from_the_cache(client, programme, monkeypatch) -> None:
    first = client.get("/meetings/POA-REVCON3/calendar.ics").data
    monkeypatch.setattr("meetings.calendar.services.build_calendar", lambda *a: b"rebuilt")
    assert client.get("/meetings/POA-REVCON3/calendar.ics").data == first


def test_head_answers_the_headers_without_a_body(client, programme) -> None:
    get = client.get("/meetings/POA-REVCON3/calendar.ics")
    head = client.head("/meetings/POA-REVCON3/calendar.ics")
    assert head.status_code == 200
    assert head.data == b""
    assert head.headers["ETag"] == get.headers["ETag"]
    assert head.headers["Content-Type"] == "text/calendar; charset=utf-8"


@pytest.mark.parametrize(
    "url",
    [
        "/meetings/NOPE/calendar.ics",
        "/meetings/POA-REVCON3/calendar/banquet.ics",
        "/meetings/POA-REVCON3/sittings/999.ics",
        "/calendar/not-a-token.ics",
        "/calendar/" + "x" * 100 + ".ics",
    ],
)
def test_unknown_meeting_kind_sitting_or_token_is_404(client, programme, url: str) -> None:
    assert client.get(url).status_code == 404


def test_feed_queries_stay_constant_as_the_meeting_grows(client, queries) -> None:
    meeting = make_meeting(code="BIG", end=date(2018, 12, 31))
    rooms = [make_room() for _ in range(10)]
    counts = []
    for total in (10, 200):
        existing = db.session.scalar(
            sa.select(sa.func.count()).select_from(Sitting).where(Sitting.meeting_id == meeting.id)
        )
        for n in range(existing, total):
            make_sitting(
                meeting,
                room=rooms[n % 10],
                day=date(2018, 7, 1 + (n // 10) % 28),
                start=time(8 + (n // 280)),
                end=time(9 + (n // 280)),
            )
        db.session.commit()
        with queries() as counted:
            assert client.get("/meetings/BIG/calendar.ics").status_code == 200
        counts.append(counted.count)
    assert counts[0] == counts[1] <= 3, counts


# --- personal feeds ------------------------------------------------------------------------------


def test_the_personal_feed_holds_the_starred_sittings_of_visible_meetings(
    client, programme
) -> None:
    user = make_user()
    hidden = make_meeting(published=False)
    secret = make_sitting(hidden)
    chosen = _sittings(programme)[0]
    following.star(user, chosen)
    following.star(user, secret)
    db.session.commit()
    response = client.get(f"/calendar/{user.calendar_token}.ics")
    assert response.status_code == 200
    assert response.headers["Cache-Control"].startswith("private")
    _check_against_database(response.data, [chosen])


def test_a_regenerated_token_revokes_the_old_address(client, login) -> None:
    user = login(Role.DELEGATE)
    old = user.calendar_token
    assert client.get(f"/calendar/{old}.ics").status_code == 200
    client.submit("/account/calendar")
    db.session.refresh(user)
    assert user.calendar_token != old
    assert client.get(f"/calendar/{old}.ics").status_code == 404
    assert client.get(f"/calendar/{user.calendar_token}.ics").status_code == 200


def test_one_users_token_never_reveals_another_users_feed(client, programme) -> None:
    alice, bob = make_user(full_name="Alice"), make_user(full_name="Bob")
    sittings = _sittings(programme)
    following.star(alice, sittings[0])
    following.star(bob, sittings[1])
    db.session.commit()
    alice_feed = client.get(f"/calendar/{alice.calendar_token}.ics").get_data(as_text=True)
    assert f"sitting-{sittings[0].id}@" in alice_feed
    assert f"sitting-{sittings[1].id}@" not in alice_feed
    assert "Alice" in alice_feed
    assert "Bob" not in alice_feed


def test_the_personal_feed_changes_when_a_sitting_is_starred(client) -> None:
    user = make_user()
    meeting = make_meeting()
    sitting = make_sitting(meeting)
    db.session.commit()
    etag = client.get(f"/calendar/{user.calendar_token}.ics").headers["ETag"]
    following.star(user, sitting)
    db.session.commit()
    response = client.get(f"/calendar/{user.calendar_token}.ics", headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert f"sitting-{sitting.id}@" in response.get_data(as_text=True)


def test_a_kept_feed_is_never_served_once_the_meeting_is_hidden(client, programme, login) -> None:
    from meetings.schedule.services import set_published

    assert client.get("/meetings/POA-REVCON3/calendar.ics").status_code == 200  # now kept
    set_published(None, programme, False)
    db.session.commit()
    assert client.get("/meetings/POA-REVCON3/calendar.ics").status_code == 404
    login(Role.SECRETARIAT)  # the secretariat still sees it, built for the new version
    assert client.get("/meetings/POA-REVCON3/calendar.ics").status_code == 200


@given(st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=400))
def test_folding_keeps_every_line_within_75_octets_and_every_character_whole(text: str) -> None:
    line = ("DESCRIPTION:" + text).encode()
    folded = feeds.fold(line)
    physical = folded.split(b"\r\n")
    assert physical[-1] == b""
    assert all(len(part) <= 75 for part in physical[:-1])
    for part in physical[:-1]:
        part.decode("utf-8")  # no character cut in two
    assert folded[:-2].replace(b"\r\n ", b"") == line
