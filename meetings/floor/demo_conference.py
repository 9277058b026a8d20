"""Demo statements and side events of the Third Review Conference, made through the services
with the clock standing in June 2018: general-debate statements delivered, embargoed and in
advance; side-event requests in each state of their course."""

from __future__ import annotations

import io
from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa

from meetings import clock
from meetings.auth.demo import demo_focal_point
from meetings.auth.models import User
from meetings.documents.services import STATEMENT_TYPES, read_upload
from meetings.errors import DomainError
from meetings.extensions import db
from meetings.floor import side_events, statements
from meetings.floor.side_event_models import SideEventRequest, SlotKind
from meetings.floor.side_event_slots import offer_slots, slots_of
from meetings.floor.statement_models import Statement, StatementLanguage
from meetings.floor.statements import StatementData
from meetings.reference.models import State
from meetings.schedule.models import Meeting, Sitting, SittingKind
from meetings.schedule.queries import sittings
from meetings.schedule.rooms import rooms

OFFERED = datetime(2018, 5, 1, 14, tzinfo=UTC)  # the slots offered, six weeks ahead
LANGUAGES = (
    StatementLanguage.ENGLISH,
    StatementLanguage.FRENCH,
    StatementLanguage.SPANISH,
    StatementLanguage.ARABIC,
    StatementLanguage.RUSSIAN,
    StatementLanguage.CHINESE,
)


def _pdf(state: State) -> object:
    body = (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n"
        b"% Illustrative general debate statement for the demonstration data\n"
        b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )
    return read_upload(
        io.BytesIO(body), f"statement-{state.alpha2}.pdf", field="file", accept=STATEMENT_TYPES
    )


def general_debate_sittings(meeting: Meeting) -> list[Sitting]:
    return [
        s
        for s in sittings(meeting)
        if s.kind is SittingKind.PLENARY and "General debate" in s.agenda_items
    ]


def seed_statements(meeting: Meeting, desk: User, states: list[State]) -> None:
    """Of the States inscribed: the first dozen delivered at the first sittings, a few in
    advance ("check against delivery"), a few embargoed for sittings to come."""
    if db.session.scalar(sa.select(Statement.id).where(Statement.meeting_id == meeting.id)):
        return
    debate = general_debate_sittings(meeting)
    if not debate:
        return
    for number, state in enumerate(states[:20]):
        sitting = debate[min(number // 6, len(debate) - 1)]
        focal = demo_focal_point(state)
        with clock.standing_at(sitting.starts_at - timedelta(days=1, hours=number)):
            delegation = statements.delegation_for(focal, meeting, create=True)
            assert delegation is not None
            statement = statements.upload(
                focal,
                meeting,
                delegation,
                StatementData(
                    sitting_id=sitting.id,
                    agenda_item="General debate",
                    language=LANGUAGES[number % len(LANGUAGES)],
                    embargoed=number % 4 != 3,
                    title="Statement in the general debate",
                ),
                _pdf(state),  # type: ignore[arg-type]
            )
        if number < 12:
            with clock.standing_at(sitting.starts_at + timedelta(minutes=20 + 8 * (number % 6))):
                statements.mark_delivered(desk, statement)


REQUESTS = (
    ("Marking and tracing: lessons from the Sahel", "approved"),
    ("Women's participation in small arms control", "approved"),
    ("Ammunition: the missing piece", "proposed"),
    ("Illicit brokering in the Great Lakes region", "requested"),
    ("Small arms and SDG target 16.4: measuring progress", "requested"),
    ("Destruction of surplus weapons: a field visit report", "declined"),
    ("Border controls in the Andean region", "withdrawn"),
    ("Stockpile security: a regional workshop", "cancelled"),
)


def _free_room(request: SideEventRequest, desk: User, slot_id: int, decide: str) -> None:
    """Approve or propose in the first room that is free and big enough (the clash rule)."""
    for room in sorted(rooms(), key=lambda r: r.capacity):
        try:
            with db.session.begin_nested():
                if decide == "approve":
                    side_events.approve(desk, request, slot_id, room.id)
                else:
                    side_events.propose(desk, request, slot_id, room.id, "Lunchtime is full.")
            return
        except DomainError:
            continue


def seed_side_events(meeting: Meeting, desk: User, states: list[State]) -> None:
    if side_events.requests_of(meeting.id):
        return
    days = [s.starts_at.date() for s in sittings(meeting) if s.kind is SittingKind.PLENARY]
    weekdays = sorted(set(days))
    with clock.standing_at(OFFERED):
        offer_slots(desk, meeting, SlotKind.LUNCHTIME, time(13, 15), time(14, 30), weekdays)
        offer_slots(desk, meeting, SlotKind.EVENING, time(18, 15), time(19, 30), weekdays)
    offered = slots_of(meeting.id)
    evenings = [s for s in offered if s.kind is SlotKind.EVENING]
    for number, (title, outcome) in enumerate(REQUESTS):
        state = states[(number * 5) % len(states)]
        focal = demo_focal_point(state)
        preferred = [offered[(2 * number) % len(offered)], evenings[number % len(evenings)]]
        with clock.standing_at(OFFERED + timedelta(days=3 + number)):
            request = side_events.request_side_event(
                focal,
                meeting,
                side_events.SideEventData(
                    title=title,
                    description="A panel of practitioners, followed by questions from the floor.",
                    co_sponsors="United Nations Office for Disarmament Affairs"
                    if number % 2
                    else "",
                    expected_audience=40 + 10 * number,
                    languages=["en", "fr"] if number % 2 else ["en", "es"],
                    accessibility="Captioning in English" if number == 1 else "",
                    preferred_slot_ids=[s.id for s in preferred],
                ),
            )
        with clock.standing_at(OFFERED + timedelta(days=10 + number)):
            if outcome in ("approved", "cancelled"):
                _free_room(request, desk, evenings[number % len(evenings)].id, "approve")
            elif outcome == "proposed":
                _free_room(request, desk, evenings[-1].id, "propose")
            elif outcome == "declined":
                side_events.decline(desk, request, "The programme has no room left that week.")
            elif outcome == "withdrawn":
                side_events.withdraw(focal, request)
            if outcome == "cancelled":
                side_events.cancel(focal, request, "The panellists cannot travel.")
