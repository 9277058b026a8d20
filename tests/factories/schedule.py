from __future__ import annotations

import itertools
from datetime import date, time

from meetings.schedule import rooms, services
from meetings.schedule.models import Meeting, MeetingFormat, MeetingKind, Room, Sitting, SittingKind
from meetings.schedule.sittings import SittingData, schedule_sitting

_sequence = itertools.count(1)


def make_process() -> int:
    return services.get_or_create_process(None, code="POA", title="Programme of Action").id


def make_meeting(
    *,
    code: str | None = None,
    start: date = date(2018, 6, 18),
    end: date = date(2018, 6, 29),
    timezone: str = "America/New_York",
    published: bool = True,
    registration: tuple[date, date] | None = (date(2018, 4, 2), date(2018, 6, 8)),
) -> Meeting:
    number = next(_sequence)
    meeting = services.create_meeting(
        None,
        services.MeetingData(
            process_id=make_process(),
            code=code or f"TEST-{number}",
            title=f"Test meeting {number}",
            kind=MeetingKind.REVIEW_CONFERENCE,
            venue="United Nations Headquarters, New York",
            timezone=timezone,
            start_date=start,
            end_date=end,
            format=MeetingFormat.IN_PERSON,
            registration_opens_on=registration[0] if registration else None,
            registration_deadline=registration[1] if registration else None,
        ),
    )
    if published:
        services.set_published(None, meeting, True)
    return meeting


def make_room(name: str | None = None, building: str = "UNHQ", capacity: int = 100) -> Room:
    return rooms.create_room(
        None,
        rooms.RoomData(
            name=name or f"Room {next(_sequence)}", building=building, capacity=capacity
        ),
    )


def make_sitting(
    meeting: Meeting,
    *,
    day: date | None = None,
    start: time = time(10),
    end: time = time(13),
    room: Room | None = None,
    kind: SittingKind = SittingKind.PLENARY,
    title: str | None = None,
    agenda: str = "",
    number: int | None = None,
) -> Sitting:
    return schedule_sitting(
        None,
        meeting,
        SittingData(
            kind=kind,
            title=title or f"Sitting {next(_sequence)}",
            day=day or meeting.start_date,
            start=start,
            end=end,
            room_id=room.id if room else None,
            agenda_items=agenda,
            number=number,
        ),
    )
