"""Side events: requests by States and accredited organisations, the secretariat's review with
the programme's room-clash rule, proposals the organiser answers, cancellation freeing the room,
organisers told at each step, the course as a table, and two approvals of one room at once."""

from __future__ import annotations

from datetime import date, time

import pytest

from meetings.auth.models import Role
from meetings.errors import DomainError, PermissionDenied
from meetings.extensions import db
from meetings.floor import side_events
from meetings.floor.side_event_models import SideEventRequest, SideEventStatus, SlotKind
from meetings.floor.side_event_slots import offer_slots
from meetings.reference.models import OrganisationKind
from meetings.reference.services import get_or_create_organisation
from meetings.registration.models import RegistrationStatus
from meetings.registration.workflow import transition
from meetings.schedule.models import Sitting, SittingKind, SittingStatus
from tests.factories.auth import make_user
from tests.factories.registration import for_organisation, make_open_meeting, register
from tests.factories.schedule import make_room, make_sitting
from tests.floor.factories import focal
from tests.support.concurrency import race

TUESDAY = date(2018, 6, 19)


def _setup():
    desk = make_user(roles=[Role.SECRETARIAT])
    meeting = make_open_meeting()
    lunch, evening = (
        offer_slots(desk, meeting, kind, starts, ends, [TUESDAY])[0]
        for kind, starts, ends in (
            (SlotKind.LUNCHTIME, time(13, 15), time(14, 30)),
            (SlotKind.EVENING, time(18, 15), time(19, 30)),
        )
    )
    return desk, meeting, lunch, evening


def _data(*slots, **changes) -> side_events.SideEventData:
    values = {
        "title": "Marking and tracing in the Sahel",
        "description": "A panel of practitioners.",
        "co_sponsors": "Niger, Small Arms Survey",
        "expected_audience": 60,
        "languages": ["en", "fr"],
        "accessibility": "Wheelchair access",
        "preferred_slot_ids": [s.id for s in slots],
    }
    values.update(changes)
    return side_events.SideEventData(**values)


def test_what_a_request_needs(outbox) -> None:
    _desk, meeting, lunch, _evening = _setup()
    ghana = focal("GH")
    for field, change in (
        ("title", {"title": " "}),
        ("description", {"description": ""}),
        ("expected_audience", {"expected_audience": None}),
        ("expected_audience", {"expected_audience": 5000}),
        ("languages", {"languages": []}),
        ("languages", {"languages": ["de"]}),
        ("slots", {"preferred_slot_ids": []}),
        ("slots", {"preferred_slot_ids": [999_999]}),
    ):
        with pytest.raises(DomainError) as caught:
            side_events.request_side_event(ghana, meeting, _data(lunch, **change))
        assert caught.value.field == field, change
    made = side_events.request_side_event(ghana, meeting, _data(lunch))
    assert made.organisers == "Ghana, Niger, Small Arms Survey"
    db.session.commit()
    assert [m["To"] for m in outbox] == [ghana.email]
    with pytest.raises(PermissionDenied):
        side_events.request_side_event(make_user(), meeting, _data(lunch))


def test_organisations_request_once_accredited_and_media_never() -> None:
    _desk, meeting, lunch, _evening = _setup()
    survey = get_or_create_organisation("Small Arms Survey", None, OrganisationKind.NGO)
    organiser = make_user(roles=[Role.FOCAL_POINT], organisation=survey)
    with pytest.raises(DomainError, match="once a member is accredited"):
        side_events.request_side_event(organiser, meeting, _data(lunch))
    member = register(make_user(), meeting, for_organisation(survey))
    transition(None, member, RegistrationStatus.APPROVED)
    side_events.request_side_event(organiser, meeting, _data(lunch))
    press = get_or_create_organisation("Daily Planet", None, OrganisationKind.MEDIA)
    with pytest.raises(PermissionDenied):
        side_events.request_side_event(
            make_user(roles=[Role.FOCAL_POINT], organisation=press), meeting, _data(lunch)
        )


def test_approval_books_the_room_by_the_clash_rule_and_cancelling_frees_it(outbox) -> None:
    desk, meeting, lunch, _evening = _setup()
    room = make_room(capacity=80)
    small = make_room(capacity=20)
    plenary = make_sitting(meeting, day=TUESDAY, start=time(13), end=time(14), room=room)
    first = side_events.request_side_event(focal("GH"), meeting, _data(lunch))
    with pytest.raises(DomainError) as caught:
        side_events.approve(desk, first, lunch.id, room.id)
    assert caught.value.field == "room"
    assert "already booked" in caught.value.message
    with pytest.raises(DomainError, match="seats 20"):
        side_events.approve(desk, first, lunch.id, small.id)
    from meetings.schedule.sittings import change_status

    change_status(desk, plenary, SittingStatus.CANCELLED)
    side_events.approve(desk, first, lunch.id, room.id)
    assert first.status is SideEventStatus.APPROVED
    sitting = db.session.get(Sitting, first.sitting_id)
    assert sitting is not None
    assert sitting.kind is SittingKind.SIDE_EVENT
    assert "Ghana, Niger, Small Arms Survey" in sitting.agenda_items
    second = side_events.request_side_event(focal("KE"), meeting, _data(lunch))
    with pytest.raises(DomainError, match="already booked"):
        side_events.approve(desk, second, lunch.id, room.id)
    side_events.cancel(focal("GH"), first)
    assert sitting.status is SittingStatus.CANCELLED
    side_events.approve(desk, second, lunch.id, room.id)
    db.session.commit()
    subjects = [m["Subject"] for m in outbox]
    assert any("Approved" in s for s in subjects)
    assert any("Cancelled" in s for s in subjects)


def test_a_proposal_is_checked_again_when_the_organiser_accepts() -> None:
    desk, meeting, lunch, evening = _setup()
    room = make_room()
    ghana = focal("GH")
    first = side_events.request_side_event(ghana, meeting, _data(lunch))
    side_events.propose(desk, first, evening.id, room.id, "Lunchtime is full.")
    assert first.status is SideEventStatus.PROPOSED
    assert first.sitting_id is None
    rival = side_events.request_side_event(focal("KE"), meeting, _data(evening))
    side_events.approve(desk, rival, evening.id, room.id)
    with pytest.raises(DomainError, match="already booked"):
        side_events.accept_proposal(ghana, first)
    side_events.reject_proposal(ghana, first)
    assert first.status is SideEventStatus.REQUESTED
    side_events.propose(desk, first, lunch.id, room.id, "")
    with pytest.raises(PermissionDenied):
        side_events.accept_proposal(focal("KE"), first)
    side_events.accept_proposal(ghana, first)
    assert first.status is SideEventStatus.APPROVED


def test_a_decline_needs_a_reason_and_settles_the_request() -> None:
    desk, meeting, lunch, _evening = _setup()
    ghana = focal("GH")
    request = side_events.request_side_event(ghana, meeting, _data(lunch))
    with pytest.raises(DomainError) as caught:
        side_events.decline(desk, request, " ")
    assert caught.value.field == "reason"
    side_events.decline(desk, request, "The programme is full that week.")
    with pytest.raises(DomainError, match="cannot be done now"):
        side_events.withdraw(ghana, request)
    with pytest.raises(PermissionDenied):
        side_events.decline(ghana, request, "no")


def test_slots_are_on_the_days_of_the_meeting() -> None:
    desk, meeting, _lunch, _evening = _setup()
    with pytest.raises(DomainError) as caught:
        offer_slots(desk, meeting, SlotKind.EVENING, time(18), time(17), [TUESDAY])
    assert caught.value.field == "ends"
    with pytest.raises(DomainError) as caught:
        offer_slots(desk, meeting, SlotKind.EVENING, time(18), time(19), [date(2018, 7, 1)])
    assert caught.value.field == "days"
    again = offer_slots(desk, meeting, SlotKind.LUNCHTIME, time(13, 15), time(14, 30), [TUESDAY])
    assert again == []


S = SideEventStatus


@pytest.mark.parametrize(
    ("source", "target"),
    [
        (s, t)
        for s in S
        for t in S
        if (t is not s and t is not S.REQUESTED) or (s is S.PROPOSED and t is S.REQUESTED)
    ],
)
def test_the_table_of_a_side_events_course(source, target) -> None:
    desk, meeting, lunch, _evening = _setup()
    ghana = focal("GH")
    request = side_events.request_side_event(ghana, meeting, _data(lunch))
    room = make_room()
    if source in (S.PROPOSED, S.APPROVED):
        side_events.propose(desk, request, lunch.id, room.id, "")
    if source is S.APPROVED:
        side_events.accept_proposal(ghana, request)
    request.status = source
    db.session.flush()
    calls = {
        S.APPROVED: lambda: side_events.approve(desk, request, lunch.id, room.id),
        S.PROPOSED: lambda: side_events.propose(desk, request, lunch.id, make_room().id, ""),
        S.REQUESTED: lambda: side_events.reject_proposal(ghana, request),
        S.DECLINED: lambda: side_events.decline(desk, request, "Full."),
        S.WITHDRAWN: lambda: side_events.withdraw(ghana, request),
        S.CANCELLED: lambda: side_events.cancel(desk, request, "Venue closed."),
    }
    if target in side_events.TRANSITIONS[source]:
        assert calls[target]().status is target
    else:
        with pytest.raises(DomainError):
            calls[target]()
        assert request.status is source


@pytest.mark.concurrency
def test_two_approvals_of_one_room_at_the_same_time_book_it_once(committed) -> None:
    desk, meeting, lunch, _evening = _setup()
    room = make_room()
    first = side_events.request_side_event(focal("GH"), meeting, _data(lunch))
    second = side_events.request_side_event(focal("KE"), meeting, _data(lunch))
    db.session.commit()
    outcomes = race(
        committed,
        [
            lambda r=r: side_events.approve(
                db.session.merge(desk), db.session.get(SideEventRequest, r), lunch.id, room.id
            )
            for r in (first.id, second.id)
        ],
    )
    assert outcomes.count("ok") == 1
    assert "already booked" in next(o for o in outcomes if o != "ok")
    db.session.expire_all()
    statuses = sorted(db.session.get(SideEventRequest, r).status for r in (first.id, second.id))
    assert statuses == [S.APPROVED, S.REQUESTED]
