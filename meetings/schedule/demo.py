"""Demo programme: the 2018 Preparatory Committee and Third Review Conference of the Programme of
Action on small arms, in Conference Rooms 1–4 at United Nations Headquarters, New York."""

from __future__ import annotations

from datetime import date, time, timedelta

from meetings.auth.models import Role, User
from meetings.schedule import rooms as room_services
from meetings.schedule import services
from meetings.schedule.demo_titles import TITLES
from meetings.schedule.models import (
    Meeting,
    MeetingFormat,
    MeetingKind,
    MeetingState,
    Room,
    SittingKind,
    SittingStatus,
)
from meetings.schedule.queries import sittings
from meetings.schedule.sittings import (
    SittingData,
    change_status,
    schedule_sitting,
    sitting_data,
    sitting_of,
    update_sitting,
)

HQ = "United Nations Headquarters, New York"
ZONE = "America/New_York"
POA_TITLE = (
    "Programme of Action to Prevent, Combat and Eradicate the Illicit Trade in Small Arms and "
    "Light Weapons in All Its Aspects"
)
MORNING, AFTERNOON, LUNCH = (time(10), time(13)), (time(15), time(18)), (time(13, 15), time(14, 30))

SIDE_EVENTS = (
    "Marking, record-keeping and tracing: the International Tracing Instrument in practice",
    "Gender-responsive small arms control",
    "Preventing diversion of ammunition",
    "Small arms and the 2030 Agenda: SDG target 16.4",
    "Regional cooperation on border controls",
    "New technologies in small arms manufacture: 3D printing and modular weapons",
    "Youth voices on small arms violence",
    "Weapons and ammunition management in post-conflict settings",
    "Stockpile management and physical security",
    "International assistance and capacity-building: matching needs and resources",
)


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def weekdays(first: date, last: date) -> list[date]:
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return [d for d in days if d.weekday() < 5]


def _rooms() -> dict[int, Room]:
    existing = {(r.name, r.building): r for r in room_services.rooms()}
    capacities = {1: 500, 2: 250, 3: 250, 4: 650}
    rooms = {}
    for number, capacity in capacities.items():
        name = f"Conference Room {number}"
        rooms[number] = existing.get((name, HQ)) or room_services.create_room(
            None, room_services.RoomData(name=name, building=HQ, capacity=capacity)
        )
    return rooms


def _meeting(
    code: str,
    title: str,
    kind: MeetingKind,
    first: date,
    last: date,
    opens: date,
    deadline: date,
) -> Meeting | None:
    """The meeting, created and taken through its life; None when it exists already."""
    process = services.get_or_create_process(
        None,
        code="POA",
        title=POA_TITLE,
        titles=TITLES["POA"],
        description="General Assembly resolution 72/57 and the meetings it convened.",
    )
    if services.meeting_with_code(code) is not None:
        return None
    return services.create_meeting(
        None,
        services.MeetingData(
            process_id=process.id,
            code=code,
            title=title,
            titles=TITLES.get(code, {}),
            kind=kind,
            venue=HQ,
            timezone=ZONE,
            start_date=first,
            end_date=last,
            format=MeetingFormat.IN_PERSON,
            registration_opens_on=opens,
            registration_deadline=deadline,
        ),
    )


def _conclude(meeting: Meeting) -> None:
    for state in (
        MeetingState.REGISTRATION_OPEN,
        MeetingState.REGISTRATION_CLOSED,
        MeetingState.IN_SESSION,
        MeetingState.CONCLUDED,
    ):
        services.change_meeting_state(None, meeting, state)
    services.set_published(None, meeting, True)


class _Programme:
    def __init__(self, meeting: Meeting, rooms: dict[int, Room]) -> None:
        self.meeting, self.rooms, self.plenaries, self.side_events = meeting, rooms, 0, 0

    def plenary(self, day: date, slot: tuple[time, time], agenda: str) -> None:
        self.plenaries += 1
        self._add(
            SittingKind.PLENARY, f"{ordinal(self.plenaries)} plenary meeting", day, slot, 4, agenda
        )

    def informal(self, day: date, slot: tuple[time, time], subject: str) -> None:
        self._add(
            SittingKind.INFORMAL_CONSULTATIONS,
            f"Informal consultations: {subject}",
            day,
            slot,
            1,
            "",
        )

    def side_event(self, day: date) -> None:
        title = SIDE_EVENTS[self.side_events % len(SIDE_EVENTS)]
        room = 2 if self.side_events % 2 == 0 else 3
        self.side_events += 1
        self._add(SittingKind.SIDE_EVENT, f"Side event: {title}", day, LUNCH, room, "")

    def _add(
        self,
        kind: SittingKind,
        title: str,
        day: date,
        slot: tuple[time, time],
        room: int,
        agenda: str,
    ) -> None:
        schedule_sitting(
            None,
            self.meeting,
            SittingData(
                kind=kind,
                title=title,
                day=day,
                start=slot[0],
                end=slot[1],
                room_id=self.rooms[room].id,
                agenda_items=agenda,
            ),
        )


def _prepcom(rooms: dict[int, Room]) -> None:
    meeting = _meeting(
        "POA-PREPCOM-2018",
        "Preparatory Committee for the Third Review Conference on the Programme of Action on "
        "small arms",
        MeetingKind.PREPARATORY_COMMITTEE,
        date(2018, 3, 19),
        date(2018, 3, 23),
        date(2018, 1, 15),
        date(2018, 3, 9),
    )
    if meeting is None:
        return
    programme = _Programme(meeting, rooms)
    days = weekdays(meeting.start_date, meeting.end_date)
    programme.plenary(
        days[0],
        MORNING,
        "Opening of the session\nElection of the Chair\n"
        "Adoption of the agenda\nOrganization of work",
    )
    programme.plenary(days[0], AFTERNOON, "General exchange of views")
    for day in days[1:4]:
        programme.plenary(day, MORNING, "General exchange of views")
        programme.side_event(day)
        if day == days[3]:
            programme.informal(day, AFTERNOON, "provisional agenda of the Review Conference")
        else:
            programme.plenary(day, AFTERNOON, "Preparations for the Review Conference")
    programme.plenary(days[4], MORNING, "Draft recommendations for the Review Conference")
    programme.plenary(days[4], AFTERNOON, "Adoption of the report\nClosure of the session")
    _conclude(meeting)


def _review_conference(rooms: dict[int, Room]) -> None:
    meeting = _meeting(
        "POA-REVCON3",
        "Third United Nations Conference to Review Progress Made in the Implementation of the "
        "Programme of Action on small arms",
        MeetingKind.REVIEW_CONFERENCE,
        date(2018, 6, 18),
        date(2018, 6, 29),
        date(2018, 4, 2),
        date(2018, 6, 8),
    )
    if meeting is None:
        return
    programme = _Programme(meeting, rooms)
    days = weekdays(meeting.start_date, meeting.end_date)
    programme.plenary(
        days[0],
        MORNING,
        "Opening of the Conference\nElection of the President\n"
        "Adoption of the rules of procedure\nAdoption of the agenda",
    )
    programme.plenary(days[0], AFTERNOON, "General debate")
    for day in days[1:5]:
        programme.plenary(day, MORNING, "General debate")
        programme.side_event(day)
        programme.plenary(
            day,
            AFTERNOON,
            "Review of progress in the implementation of the "
            "Programme of Action and the International Tracing Instrument",
        )
    for day in days[5:8]:
        programme.informal(day, MORNING, "draft outcome document")
        programme.side_event(day)
        programme.plenary(day, AFTERNOON, "Consideration of the draft outcome document")
    programme.plenary(days[8], MORNING, "Consideration of the draft outcome document")
    programme.side_event(days[8])
    programme.informal(days[8], AFTERNOON, "draft outcome document (continued)")
    programme.plenary(days[9], MORNING, "Adoption of the outcome document")
    programme.plenary(days[9], AFTERNOON, "Adoption of the final report\nClosure of the Conference")

    # One side event cancelled, one plenary moved half an hour later: both stay in the programme.
    cancelled = next(s for s in sittings(meeting) if s.kind is SittingKind.SIDE_EVENT)
    change_status(None, cancelled, SittingStatus.CANCELLED)
    moved = sitting_of(meeting, max(s.number for s in sittings(meeting)) - 1)
    data = sitting_data(moved)
    update_sitting(
        None, moved, SittingData(**{**data.__dict__, "start": time(10, 30), "end": time(13, 30)})
    )
    _conclude(meeting)


def seed_schedule(_users: dict[Role, User] | None = None) -> None:
    rooms = _rooms()
    _prepcom(rooms)
    _review_conference(rooms)
