"""Side events: the secretariat offers slots; the focal point of a State, an organisation or
accredited civil society requests one; the secretariat approves it with a room and a slot (the
programme's room-clash rule applies), proposes another slot, or declines with a reason; an
approved side event is a sitting of kind side event, in the programme and the feeds, and
cancelling it frees the room. The organisers are told at each step. The course is one table."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from meetings import clock, mail
from meetings.audit.services import record
from meetings.auth.models import User
from meetings.auth.permissions import Permission, acts_for, has_permission, require
from meetings.auth.services import focal_point_addresses
from meetings.errors import DomainError, NotFound, PermissionDenied
from meetings.extensions import db
from meetings.floor.side_event_models import SideEventRequest, SideEventSlot, SideEventStatus
from meetings.floor.side_event_slots import slot_of, slots_of
from meetings.floor.statement_models import StatementLanguage
from meetings.labels import label
from meetings.reference.models import OrganisationKind
from meetings.registration.models import Delegation, Registration, RegistrationStatus
from meetings.registration.services import delegation_of
from meetings.schedule.models import Meeting, Room, Sitting, SittingKind, SittingStatus
from meetings.schedule.sittings import (
    SittingData,
    change_status,
    check_no_clash,
    plan,
    schedule_sitting,
)
from meetings.urls import external_url

S = SideEventStatus
SECRETARIAT = Permission.MANAGE_SCHEDULE
LARGEST_AUDIENCE = 2000

# The course of a request: from each status, where it may go.
TRANSITIONS: dict[SideEventStatus, frozenset[SideEventStatus]] = {
    S.REQUESTED: frozenset({S.APPROVED, S.PROPOSED, S.DECLINED, S.WITHDRAWN}),
    S.PROPOSED: frozenset({S.APPROVED, S.REQUESTED, S.DECLINED, S.WITHDRAWN}),
    S.APPROVED: frozenset({S.CANCELLED}),
    S.DECLINED: frozenset(),
    S.WITHDRAWN: frozenset(),
    S.CANCELLED: frozenset(),
}


def _allowed(request: SideEventRequest, target: SideEventStatus) -> None:
    if target not in TRANSITIONS[request.status]:
        raise DomainError(
            _(
                "This side event is %(status)s: that cannot be done now.",
                status=label(request.status),
            )
        )


def _move(
    actor: User, request: SideEventRequest, target: SideEventStatus, **details: object
) -> None:
    _allowed(request, target)
    before = request.status
    request.status = target
    request.decided_at = clock.now()
    db.session.flush()
    record(
        actor,
        f"side_event.{target.value}",
        request,
        before={"status": before},
        after={"status": target, **details},
    )
    _tell(request)


# --- requests ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SideEventData:
    title: str
    description: str
    co_sponsors: str
    expected_audience: int | None
    languages: list[str]
    accessibility: str
    preferred_slot_ids: list[int]


def _accredited(delegation: Delegation) -> bool:
    """An organisation's delegation counts once one of its members is approved or accredited."""
    return (
        db.session.scalar(
            sa.select(Registration.id).where(
                Registration.delegation_id == delegation.id,
                Registration.status.in_(
                    (RegistrationStatus.APPROVED, RegistrationStatus.ACCREDITED)
                ),
            )
        )
        is not None
    )


def organiser_delegation(actor: User, meeting: Meeting) -> Delegation:
    """The delegation the focal point requests for: its State's, or its organisation's once
    accredited to the meeting (media do not organise side events)."""
    assignment = actor.focal_point_assignment
    if assignment is None or not (assignment.state_id or assignment.organisation_id):
        raise PermissionDenied(_("Only a focal point requests a side event."))
    organisation = assignment.organisation
    if organisation is not None and organisation.kind is OrganisationKind.MEDIA:
        raise PermissionDenied(_("Media do not organise side events."))
    delegation = delegation_of(meeting, assignment.state, organisation)
    assert delegation is not None
    if organisation is not None and not _accredited(delegation):
        raise DomainError(
            _("Your organisation can request a side event once a member is accredited.")
        )
    return delegation


def _check(meeting: Meeting, data: SideEventData) -> list[SideEventSlot]:
    problems = []
    if not data.title.strip():
        problems.append(("title", _("Enter the side event's title.")))
    if not data.description.strip():
        problems.append(("description", _("Describe the side event in a few lines.")))
    if data.expected_audience is None or not 1 <= data.expected_audience <= LARGEST_AUDIENCE:
        problems.append(
            ("expected_audience", _("Enter how many people you expect, from 1 to 2,000."))
        )
    official = {language.value for language in StatementLanguage}
    if not data.languages or not set(data.languages) <= official:
        problems.append(("languages", _("Choose the languages of the side event.")))
    slots = [s for s in slots_of(meeting.id) if s.id in set(data.preferred_slot_ids)]
    if not slots or len(slots) != len(set(data.preferred_slot_ids)):
        problems.append(("slots", _("Choose the slots you would prefer.")))
    if problems:
        field, message = problems[0]
        raise DomainError(message, field=field)
    return slots


def request_side_event(actor: User, meeting: Meeting, data: SideEventData) -> SideEventRequest:
    delegation = organiser_delegation(actor, meeting)
    slots = _check(meeting, data)
    request = SideEventRequest(
        meeting_id=meeting.id,
        delegation_id=delegation.id,
        requested_by_id=actor.id,
        title=data.title.strip()[:200],
        co_sponsors=data.co_sponsors.strip()[:500],
        description=data.description.strip(),
        expected_audience=data.expected_audience,
        languages=" ".join(sorted(set(data.languages))),
        accessibility=data.accessibility.strip(),
    )
    request.preferences = slots
    db.session.add(request)
    db.session.flush()
    record(
        actor,
        "side_event.requested",
        request,
        after={"title": request.title, "slots": [s.id for s in slots]},
    )
    _tell(request)
    return request


def _organiser(actor: User, request: SideEventRequest) -> None:
    delegation = request.delegation
    if not acts_for(
        actor, state_id=delegation.state_id, organisation_id=delegation.organisation_id
    ):
        raise PermissionDenied(_("Only the organiser's focal point does this."))


def _sitting_data(
    request: SideEventRequest, slot: SideEventSlot, room_id: int | None
) -> SittingData:
    """The side event as a sitting in ``room_id`` at ``slot``, the room big enough."""
    room = db.session.get(Room, room_id) if room_id is not None else None
    if room is None:
        raise DomainError(_("Choose a room from the list."), field="room")
    if room.capacity < request.expected_audience:
        raise DomainError(
            _(
                "%(room)s seats %(seats)d; %(expected)d people are expected.",
                room=room.name,
                seats=room.capacity,
                expected=request.expected_audience,
            ),
            field="room",
        )
    return SittingData(
        kind=SittingKind.SIDE_EVENT,
        title=request.title,
        day=slot.day,
        start=slot.starts,
        end=slot.ends,
        room_id=room.id,
        agenda_items=_("Organised by %(organisers)s", organisers=request.organisers),
    )


def _book(
    actor: User | None, request: SideEventRequest, slot: SideEventSlot, room_id: int | None
) -> None:
    """The sitting of kind side event (the programme's room-clash rule, under the room's
    lock)."""
    data = _sitting_data(request, slot, room_id)
    meeting = db.session.get_one(Meeting, request.meeting_id)
    try:
        sitting = schedule_sitting(actor, meeting, data)
    except DomainError as error:
        raise DomainError(error.message, field="room") from error
    request.sitting_id = sitting.id
    request.slot, request.room = slot, db.session.get(Room, data.room_id)


def approve(
    actor: User, request: SideEventRequest, slot_id: int | None, room_id: int | None
) -> SideEventRequest:
    require(actor, SECRETARIAT)
    _allowed(request, S.APPROVED)
    _book(actor, request, slot_of(request.meeting_id, slot_id), room_id)
    request.message = ""
    _move(actor, request, S.APPROVED, sitting=request.sitting_id)
    return request


def propose(
    actor: User, request: SideEventRequest, slot_id: int | None, room_id: int | None, message: str
) -> SideEventRequest:
    """Another slot (and room) for the organiser to accept; the room is checked free now and
    again when the organiser accepts."""
    require(actor, SECRETARIAT)
    _allowed(request, S.PROPOSED)
    slot = slot_of(request.meeting_id, slot_id)
    data = _sitting_data(request, slot, room_id)
    try:
        check_no_clash(plan(db.session.get_one(Meeting, request.meeting_id), data))
    except DomainError as error:
        raise DomainError(error.message, field="room") from error
    request.slot, request.room = slot, db.session.get(Room, data.room_id)
    request.message = message.strip()
    _move(actor, request, S.PROPOSED, slot=slot.id, room=data.room_id)
    return request


def accept_proposal(actor: User, request: SideEventRequest) -> SideEventRequest:
    _organiser(actor, request)
    if request.status is not S.PROPOSED:
        raise DomainError(_("There is no proposal to accept."))
    slot = slot_of(request.meeting_id, request.slot_id)
    _book(None, request, slot, request.room_id)
    _move(actor, request, S.APPROVED, sitting=request.sitting_id)
    return request


def reject_proposal(actor: User, request: SideEventRequest) -> SideEventRequest:
    """The organiser cannot take the slot proposed: the request waits for review again."""
    _organiser(actor, request)
    if request.status is not S.PROPOSED:
        raise DomainError(_("There is no proposal to answer."))
    request.slot = request.room = None
    _move(actor, request, S.REQUESTED)
    return request


def decline(actor: User, request: SideEventRequest, reason: str) -> SideEventRequest:
    require(actor, SECRETARIAT)
    if not reason.strip():
        raise DomainError(_("Give the reason, for the organisers."), field="reason")
    request.message = reason.strip()
    _move(actor, request, S.DECLINED, reason=request.message)
    return request


def withdraw(actor: User, request: SideEventRequest) -> SideEventRequest:
    _organiser(actor, request)
    _move(actor, request, S.WITHDRAWN)
    return request


def cancel(actor: User, request: SideEventRequest, reason: str = "") -> SideEventRequest:
    """An approved side event called off (by its organiser or the secretariat): its sitting is
    cancelled, which frees the room."""
    if not _is_secretariat(actor):
        _organiser(actor, request)
    _allowed(request, S.CANCELLED)
    request.message = reason.strip()
    sitting = db.session.get(Sitting, request.sitting_id) if request.sitting_id else None
    if sitting is not None and sitting.status is SittingStatus.SCHEDULED:
        change_status(None, sitting, SittingStatus.CANCELLED)
    _move(actor, request, S.CANCELLED, reason=request.message)
    return request


def _is_secretariat(actor: User) -> bool:
    return has_permission(actor, SECRETARIAT)


# --- reading -------------------------------------------------------------------------------------


def request_by_id(request_id: int) -> SideEventRequest:
    found = db.session.get(SideEventRequest, request_id)
    if found is None:
        raise NotFound(_("There is no such side event request."))
    return found


def requests_of(meeting_id: int, *, delegation_id: int | None = None) -> list[SideEventRequest]:
    query = sa.select(SideEventRequest).where(SideEventRequest.meeting_id == meeting_id)
    if delegation_id is not None:
        query = query.where(SideEventRequest.delegation_id == delegation_id)
    return list(
        db.session.scalars(query.order_by(SideEventRequest.created_at, SideEventRequest.id))
    )


def side_event_of_sitting(sitting_id: int) -> SideEventRequest | None:
    return db.session.scalar(
        sa.select(SideEventRequest).where(SideEventRequest.sitting_id == sitting_id)
    )


def _tell(request: SideEventRequest) -> None:
    """The organiser's focal points, at each step."""
    delegation = request.delegation
    addresses = focal_point_addresses(
        delegation.state_id, organisation_id=delegation.organisation_id
    )
    meeting = db.session.get_one(Meeting, request.meeting_id)
    link = external_url("floor_focal.side_events_page", code=meeting.code)
    for address in addresses:
        mail.send(
            address,
            lambda: _(
                "%(meeting)s: side event “%(title)s” — %(status)s",
                meeting=meeting.display_title,
                title=request.title,
                status=label(request.status),
            ),
            "mail/side_event.txt",
            request=request,
            meeting=meeting,
            link=link,
        )


def own_delegation(actor: User, meeting: Meeting) -> Delegation | None:
    """The focal point's delegation at the meeting, if it has one yet (for its requests)."""
    assignment = actor.focal_point_assignment
    if assignment is None or not (assignment.state_id or assignment.organisation_id):
        return None
    return delegation_of(meeting, assignment.state, assignment.organisation, create=False)


def meeting_of(request: SideEventRequest) -> Meeting:
    return db.session.get_one(Meeting, request.meeting_id)
