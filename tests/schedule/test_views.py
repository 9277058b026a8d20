from __future__ import annotations

import io
import re
from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa

from meetings.auth.models import Role
from meetings.extensions import db
from meetings.schedule.models import Meeting, Sitting, SittingKind, SittingStatus
from meetings.schedule.sittings import change_status
from tests.factories.schedule import make_meeting, make_room, make_sitting
from tests.support import form_errors


@pytest.fixture
def meeting():
    found = make_meeting(code="POA-REVCON3")
    room = make_room("Conference Room 4")
    make_sitting(found, room=room, title="1st plenary meeting")
    side = make_sitting(
        found,
        room=make_room("Conference Room 2"),
        title="Side event: tracing",
        kind=SittingKind.SIDE_EVENT,
        start=time(13, 15),
        end=time(14, 30),
    )
    make_sitting(
        found,
        room=room,
        title="Informal consultations on the outcome",
        kind=SittingKind.INFORMAL_CONSULTATIONS,
        day=date(2018, 6, 19),
    )
    change_status(None, side, SittingStatus.CANCELLED)
    db.session.commit()
    return found


def test_the_public_list_shows_published_meetings_only(client, meeting) -> None:
    hidden = make_meeting(published=False)
    db.session.commit()
    html = client.get("/meetings").get_data(as_text=True)
    assert meeting.title in html
    assert hidden.title not in html
    assert client.get(f"/meetings/{hidden.code}").status_code == 404


def test_the_programme_shows_days_in_venue_time_and_cancelled_sittings_struck_through(
    client, meeting
) -> None:
    html = client.get("/meetings/POA-REVCON3").get_data(as_text=True)
    assert "Monday, June 18, 2018" in html
    assert "Tuesday, June 19, 2018" in html
    assert "10:00–13:00" in html
    assert "EDT" in html
    assert re.search(
        r'class="cancelled-row".*?<del><a [^>]*>Side event: tracing</a></del>', html, re.S
    )
    assert "Cancelled" in html


@pytest.mark.parametrize(
    ("query", "present", "absent"),
    [
        (
            "kind=plenary",
            ["1st plenary meeting"],
            ["Side event: tracing", "Informal consultations on"],
        ),
        ("day=2018-06-19", ["Informal consultations on"], ["1st plenary meeting"]),
        ("kind=side_event", ["Side event: tracing"], ["1st plenary meeting"]),
    ],
)
def test_the_programme_filters_by_day_kind_and_room(
    client, meeting, query, present, absent
) -> None:
    html = client.get(f"/meetings/POA-REVCON3?{query}").get_data(as_text=True)
    for text in present:
        assert text in html
    for text in absent:
        assert text not in html


def test_the_room_filter(client, meeting) -> None:
    room = db.session.scalar(
        sa.select(Sitting).where(Sitting.title == "Side event: tracing")
    ).room_id
    html = client.get(f"/meetings/POA-REVCON3?room={room}").get_data(as_text=True)
    assert "Side event: tracing" in html
    assert "1st plenary meeting" not in html


@pytest.mark.parametrize("query", ["day=yesterday", "kind=banquet", "room=four"])
def test_an_unreadable_filter_is_404(client, meeting, query) -> None:
    assert client.get(f"/meetings/POA-REVCON3?{query}").status_code == 404


def test_every_feed_is_offered_to_download_and_to_subscribe(client, meeting) -> None:
    html = client.get("/meetings/POA-REVCON3").get_data(as_text=True)
    assert 'href="webcal://localhost/meetings/POA-REVCON3/calendar.ics"' in html
    assert 'href="/meetings/POA-REVCON3/calendar.ics?download=1"' in html
    assert 'href="webcal://localhost/meetings/POA-REVCON3/calendar/plenary.ics"' in html


def test_the_programme_page_issues_a_constant_number_of_queries(client, queries) -> None:
    found = make_meeting(code="BIG", end=date(2018, 7, 20))
    rooms = [make_room() for _ in range(8)]
    counts = []
    for total in (10, 240):
        have = db.session.scalar(
            sa.select(sa.func.count()).select_from(Sitting).where(Sitting.meeting_id == found.id)
        )
        for n in range(have, total):
            make_sitting(
                found,
                room=rooms[n % 8],
                day=date(2018, 6, 18) + timedelta(days=(n // 8) % 30),
                start=time(9 + (n // 240)),
                end=time(10 + (n // 240)),
            )
        db.session.commit()
        with queries() as counted:
            assert client.get("/meetings/BIG").status_code == 200
        counts.append(counted.count)
    # The meeting, its programme, its rooms, and (since national reports) its reporting cycle,
    # asked once when the kept page is built: as many for 240 sittings as for 10.
    assert counts[0] == counts[1] <= 4, counts


def test_a_sitting_page(client, meeting) -> None:
    html = client.get("/meetings/POA-REVCON3/sittings/1").get_data(as_text=True)
    assert "1st plenary meeting" in html
    assert "America/New_York" in html
    assert "webcal://localhost/meetings/POA-REVCON3/sittings/1.ics" in html
    assert client.get("/meetings/POA-REVCON3/sittings/99").status_code == 404


def test_a_user_stars_a_sitting_for_the_personal_feed(client, login, meeting) -> None:
    user = login(Role.DELEGATE)
    response = client.submit("/meetings/POA-REVCON3/sittings/1/star", {"starred": "1"})
    assert response.status_code == 302
    feed = client.get(f"/calendar/{user.calendar_token}.ics").get_data(as_text=True)
    assert "1st plenary meeting" in feed
    client.submit("/meetings/POA-REVCON3/sittings/1/star", {"starred": "0"})
    assert "1st plenary meeting" not in client.get(f"/calendar/{user.calendar_token}.ics").get_data(
        as_text=True
    )


# --- secretariat ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.DELEGATE, Role.DONOR, Role.FUND_ADMINISTRATOR])
def test_the_secretariat_pages_are_refused_to_other_roles(client, login, meeting, role) -> None:
    login(role)
    assert client.get("/secretariat/meetings").status_code == 403
    assert client.get("/secretariat/meetings/POA-REVCON3").status_code == 403
    response = client.submit(
        "/secretariat/meetings/POA-REVCON3/sittings/new",
        {
            "kind": "plenary",
            "title": "Sneaky",
            "day": "2018-06-20",
            "start": "10:00",
            "end": "11:00",
        },
    )
    assert response.status_code == 403
    assert db.session.scalar(sa.select(Sitting).where(Sitting.title == "Sneaky")) is None


def test_the_secretariat_schedules_a_sitting_in_venue_time(client, login, meeting) -> None:
    login(Role.SECRETARIAT)
    room = make_room("Conference Room 1")
    db.session.commit()
    response = client.submit(
        "/secretariat/meetings/POA-REVCON3/sittings/new",
        {
            "kind": "plenary",
            "title": "4th plenary meeting",
            "day": "2018-06-20",
            "start": "10:00",
            "end": "13:00",
            "room_id": str(room.id),
            "agenda_items": "General debate",
        },
    )
    assert response.status_code == 302
    sitting = db.session.scalar(sa.select(Sitting).where(Sitting.title == "4th plenary meeting"))
    assert sitting.starts_at.hour == 14  # 10:00 EDT


def test_editing_a_sitting_into_a_clash_names_the_other_and_keeps_the_input(
    client, login, meeting
) -> None:
    login(Role.SECRETARIAT)
    other = db.session.scalar(
        sa.select(Sitting).where(Sitting.title == "Informal consultations on the outcome")
    )
    response = client.submit(
        f"/secretariat/sittings/{other.id}/edit",
        {
            "number": "3",
            "kind": "informal_consultations",
            "title": "Moved consultations",
            "day": "2018-06-18",
            "start": "11:00",
            "end": "12:00",
            "room_id": str(other.room_id),
        },
    )
    assert response.status_code == 422
    message = " ".join(form_errors(response))
    assert "Conference Room 4 is already booked" in message
    assert "1st plenary meeting" in message
    assert 'value="Moved consultations"' in response.get_data(as_text=True)
    db.session.refresh(other)
    assert other.title == "Informal consultations on the outcome"
    assert other.revision == 0


def test_a_form_with_end_before_start_says_so_beside_the_field(client, login, meeting) -> None:
    login(Role.SECRETARIAT)
    response = client.submit(
        "/secretariat/meetings/POA-REVCON3/sittings/new",
        {
            "kind": "plenary",
            "title": "Backwards",
            "day": "2018-06-20",
            "start": "13:00",
            "end": "10:00",
        },
    )
    assert response.status_code == 422
    assert 'id="end-error"' in response.get_data(as_text=True)


def test_the_secretariat_cancels_after_confirming_and_restores_a_sitting(
    client, login, meeting
) -> None:
    login(Role.SECRETARIAT)
    sitting = db.session.scalar(sa.select(Sitting).where(Sitting.title == "1st plenary meeting"))
    listing = client.get(f"/secretariat/meetings/{meeting.code}").get_data(as_text=True)
    assert f'Cancel<span class="visually-hidden"> — sitting {sitting.number}, 1st plenary' in (
        listing
    )
    asked = client.submit(f"/secretariat/sittings/{sitting.id}/status", {"status": "cancelled"})
    assert "Cancel this sitting?" in asked.get_data(as_text=True)
    db.session.refresh(sitting)
    assert sitting.status is SittingStatus.SCHEDULED
    client.submit(
        f"/secretariat/sittings/{sitting.id}/status", {"status": "cancelled", "confirmed": "1"}
    )
    db.session.refresh(sitting)
    assert sitting.status is SittingStatus.CANCELLED
    client.submit(f"/secretariat/sittings/{sitting.id}/status", {"status": "scheduled"})
    db.session.refresh(sitting)
    assert (sitting.status, sitting.revision) == (SittingStatus.SCHEDULED, 2)


def test_the_secretariat_creates_a_meeting_and_a_bad_time_zone_is_shown_beside_the_field(
    client, login
) -> None:
    login(Role.SECRETARIAT)
    from tests.factories.schedule import make_process

    process_id = make_process()
    db.session.commit()
    form = {
        "process_id": str(process_id),
        "code": "poa-bms7",
        "title": "Seventh Biennial Meeting",
        "kind": "biennial_meeting",
        "venue": "New York",
        "timezone": "America/Gotham",
        "start_date": "2020-06-15",
        "end_date": "2020-06-19",
        "format": "hybrid",
    }
    response = client.submit("/secretariat/meetings/new", form)
    assert response.status_code == 422
    assert 'id="timezone-error"' in response.get_data(as_text=True)
    assert 'value="Seventh Biennial Meeting"' in response.get_data(as_text=True)
    response = client.submit("/secretariat/meetings/new", {**form, "timezone": "America/New_York"})
    assert response.status_code == 302
    created = db.session.scalar(sa.select(Meeting).where(Meeting.code == "POA-BMS7"))
    assert created is not None
    assert not created.is_published


def test_the_import_form_lists_every_problem_and_imports_nothing(client, login, meeting) -> None:
    login(Role.SECRETARIAT)
    text = (
        "number,date,start,end,kind,title,room\n"
        "10,2018-06-21,10:00,13:00,plenary,Fine,Conference Room 4\n"
        "11,2018-08-01,10:00,13:00,plenary,Late,Conference Room 4\n"
    )
    response = client.submit(
        "/secretariat/meetings/POA-REVCON3/import",
        {"file": (io.BytesIO(text.encode()), "programme.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Line 3: The date must lie within the meeting" in html
    assert db.session.scalar(sa.select(Sitting).where(Sitting.title == "Fine")) is None
    good = text.splitlines()[0] + "\n" + text.splitlines()[1] + "\n"
    response = client.submit(
        "/secretariat/meetings/POA-REVCON3/import",
        {"file": (io.BytesIO(good.encode()), "programme.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert db.session.scalar(sa.select(Sitting).where(Sitting.title == "Fine")) is None
    review = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Nothing has changed yet" in review
    assert "1 sitting created" in review
    confirmed = client.submit(response.headers["Location"], {})
    assert confirmed.status_code == 302
    assert db.session.scalar(sa.select(Sitting).where(Sitting.title == "Fine")) is not None


def test_a_changed_sitting_says_what_changed_and_since_when(client, meeting) -> None:
    from datetime import UTC, datetime

    from meetings import clock
    from meetings.schedule.sittings import SittingData, sitting_data, sitting_of, update_sitting

    number = db.session.scalar(
        sa.select(Sitting.number).where(Sitting.title == "1st plenary meeting")
    )
    sitting = sitting_of(meeting, number)
    other_room = make_room("Conference Room 1")
    moved = sitting_data(sitting)
    with clock.standing_at(datetime(2018, 6, 1, 18, 0, tzinfo=UTC)):
        update_sitting(
            None,
            sitting,
            SittingData(
                **{**moved.__dict__, "start": time(15), "end": time(18), "room_id": other_room.id}
            ),
        )
    db.session.commit()
    page = client.get(f"/meetings/{meeting.code}/sittings/{sitting.number}").get_data(as_text=True)
    assert "Changed on June 1, 2018, 14:00 EDT." in page
    assert "It was on Monday, June 18, 2018, 10:00–13:00." in page
    assert "It was in Conference Room 4" in page
    programme = client.get(f"/meetings/{meeting.code}").get_data(as_text=True)
    assert "(time, room)" in programme


def test_a_cancelled_sitting_is_not_offered_for_one_s_calendar(client, login, meeting) -> None:
    login(Role.DELEGATE)
    side = db.session.scalar(sa.select(Sitting).where(Sitting.title == "Side event: tracing"))
    page = client.get(f"/meetings/{meeting.code}/sittings/{side.number}").get_data(as_text=True)
    assert "Add to my calendar" not in page
    programme = client.get(f"/meetings/{meeting.code}").get_data(as_text=True)
    assert 'Add to my calendar<span class="visually-hidden">: Side event' not in programme
    assert 'Add to my calendar<span class="visually-hidden">: 1st plenary' in programme


def test_the_day_filter_lists_only_days_with_sittings(client, meeting) -> None:
    page = client.get(f"/meetings/{meeting.code}").get_data(as_text=True)
    select = page.split('name="day"')[1].split("</select>")[0]
    assert re.findall(r'value="(\d{4}-\d\d-\d\d)"', select) == ["2018-06-18", "2018-06-19"]
    filtered = client.get(f"/meetings/{meeting.code}?day=2018-06-19").get_data(as_text=True)
    select = filtered.split('name="day"')[1].split("</select>")[0]
    assert re.findall(r'value="(\d{4}-\d\d-\d\d)"', select) == ["2018-06-18", "2018-06-19"]


def test_the_secretariats_programme_is_paged_with_flat_queries(client, login, queries) -> None:
    login(Role.SECRETARIAT)
    found = make_meeting(code="PAGED", end=date(2018, 7, 20))
    rooms = [make_room() for _ in range(10)]
    counts = []
    for total in (10, 130):
        have = db.session.scalar(
            sa.select(sa.func.count()).select_from(Sitting).where(Sitting.meeting_id == found.id)
        )
        for n in range(have, total):
            make_sitting(
                found,
                title=f"Numbered {n + 1:03d}",
                room=rooms[n % 10],
                day=date(2018, 6, 18) + timedelta(days=n // 10),
                start=time(9),
                end=time(10),
            )
        db.session.commit()
        with queries() as counted:
            html = client.get("/secretariat/meetings/PAGED").get_data(as_text=True)
        counts.append(counted.count)
    assert counts[0] == counts[1], counts
    assert "Numbered 100" in html
    assert "Numbered 101" not in html
    assert "Page 1 of 2" in html
    second = client.get("/secretariat/meetings/PAGED?page=2").get_data(as_text=True)
    assert "Numbered 130" in second
    assert "Numbered 100" not in second


def test_a_concluded_meeting_shows_its_sittings_as_held_and_each_cell_says_what_it_is(
    client,
) -> None:
    from meetings.schedule import services
    from meetings.schedule.models import MeetingState
    from tests.factories.schedule import make_meeting, make_sitting

    meeting = make_meeting()
    make_sitting(meeting, title="Opening plenary")
    db.session.commit()
    html = client.get(f"/meetings/{meeting.code}").get_data(as_text=True)
    assert "badge-scheduled" in html
    assert 'data-label="Room"' in html
    assert 'data-label="Status"' in html
    for state in (
        MeetingState.REGISTRATION_OPEN,
        MeetingState.REGISTRATION_CLOSED,
        MeetingState.IN_SESSION,
        MeetingState.CONCLUDED,
    ):
        services.change_meeting_state(None, meeting, state)
    db.session.commit()
    html = client.get(f"/meetings/{meeting.code}").get_data(as_text=True)
    assert "badge-held" in html
    assert "badge-scheduled" not in html
