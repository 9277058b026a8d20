"""Applications by a State's focal point: the nominee, the documents, the costs asked for, then
submission; and the moves of the workflow that carry no money (those that do are in offers.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from meetings import clock
from meetings.audit.services import record
from meetings.auth.models import User
from meetings.auth.permissions import Permission, has_permission
from meetings.documents.services import Document, Upload, new_document
from meetings.errors import DomainError, NotFound, PermissionDenied
from meetings.extensions import db
from meetings.money import Money
from meetings.reference.models import State
from meetings.registration import nominees
from meetings.registration import services as registration
from meetings.registration.services import ParticipantData
from meetings.schedule.models import Meeting
from meetings.sponsorship import rules
from meetings.sponsorship.models import Application, SponsorshipCall
from meetings.sponsorship.models import ApplicationStatus as S
from meetings.sponsorship.workflow import (
    ATTENDANCE,
    NEEDS_REASON,
    THROUGH_SERVICE,
    WORKFLOW,
    attendance_open,
)

DOCUMENTS = ("note_verbale", "nomination_form", "passport_copy")


@dataclass(frozen=True)
class ApplicationData:
    meeting_id: int
    registration_id: int | None
    capital_based: bool
    departure_city: str
    airfare: Money
    dsa_days: int
    terminal: Money
    justification: str
    previous_participation: str = ""
    new_nominee: ParticipantData | None = None


def _state_of(actor: User) -> int:
    assignment = actor.focal_point_assignment
    if assignment is None or assignment.state_id is None:
        raise PermissionDenied(_("Only the focal point of a State applies for sponsorship."))
    return assignment.state_id


def _check_money(data: ApplicationData) -> None:
    for value, field in ((data.airfare, "airfare"), (data.terminal, "terminal")):
        if value.currency != "USD":
            raise DomainError(_("Amounts are in US dollars."), field=field)
        if value.amount < 0:
            raise DomainError(_("The amount cannot be negative."), field=field)
        if value.amount > 10_000_000:
            raise DomainError(_("That is more than any economy fare; check it."), field=field)
    if not data.departure_city.strip():
        raise DomainError(_("Enter the city the nominee flies from."), field="departure_city")


def _apply(
    actor: User | None,
    application: Application,
    data: ApplicationData,
    uploads: Mapping[str, Upload | Document],
) -> None:
    meeting = application.meeting
    call = application.call
    rules.check_dsa_days(call, meeting, data.dsa_days)
    _check_money(data)
    if data.new_nominee is not None:
        if actor is None:
            raise DomainError(_("Name a registered nominee."), field="registration_id")
        delegation = registration.focal_point_delegation(actor, meeting)
        person = registration.add_member(actor, delegation, data.new_nominee)
        application.registration_id = person.id
    elif data.registration_id is not None:
        application.registration_id = nominees.nominee(
            meeting, application.state, data.registration_id
        ).id
    application.capital_based = data.capital_based
    application.departure_city = data.departure_city.strip()[:120]
    application.airfare_minor = data.airfare.amount
    application.dsa_days = data.dsa_days
    application.terminal_minor = data.terminal.amount
    application.justification = data.justification.strip()[:5000]
    application.previous_participation = data.previous_participation.strip()[:5000]
    for name, upload in uploads.items():
        if name not in DOCUMENTS:
            raise ValueError(name)
        # A document kept from an earlier, failed attempt of the same person is used as it is.
        document = upload if isinstance(upload, Document) else new_document(actor, upload)
        setattr(application, name, document)
    db.session.flush()


def start(
    actor: User | None,
    call: SponsorshipCall,
    data: ApplicationData,
    uploads: Mapping[str, Upload | Document],
    *,
    submit: bool,
    state: State | None = None,
) -> Application:
    """A new application of the focal point's State (a draft, or submitted at once). ``actor``
    None is the system (demonstration data), which names the ``state``."""
    if actor is not None:
        state = db.session.get(State, _state_of(actor))
    if state is None:
        raise PermissionDenied(_("Only the focal point of a State applies for sponsorship."))
    rules.check_in_time(call, clock.now())
    rules.check_eligible(call, state)
    meeting = next((m for m in call.meetings if m.id == data.meeting_id), None)
    if meeting is None:
        raise DomainError(_("Choose one of the call's meetings."), field="meeting_id")
    rules.check_one_per_state(meeting, state)
    rules.check_dsa_days(call, meeting, data.dsa_days)
    _check_money(data)
    if data.registration_id is not None and data.new_nominee is None:
        nominees.nominee(meeting, state, data.registration_id)
    application = Application(
        call=call, meeting=meeting, state=state, created_by_id=actor.id if actor else None
    )
    try:
        with db.session.begin_nested():
            db.session.add(application)
    except IntegrityError:  # the same State, at the same moment
        raise DomainError(
            _(
                "%(state)s has already applied for %(meeting)s.",
                state=state.display_name,
                meeting=meeting.display_title,
            ),
            field="meeting_id",
        ) from None
    _apply(actor, application, data, uploads)
    record(actor, "sponsorship_application.created", application, after={"meeting": meeting.code})
    if submit:
        WORKFLOW.move(actor, application, S.SUBMITTED)
    return application


def can_edit(actor: User | None, application: Application) -> bool:
    return (
        actor is not None
        and application.status in (S.DRAFT, S.INCOMPLETE)
        and "focal_point" in WORKFLOW.kinds_of(actor, application)
    )


def update(
    actor: User,
    application: Application,
    data: ApplicationData,
    uploads: Mapping[str, Upload | Document],
    *,
    submit: bool,
) -> None:
    """The State completes a draft, or what an administrator asked for."""
    if not can_edit(actor, application):
        raise DomainError(_("Only a draft, or an application sent back for more, can change."))
    rules.check_in_time(application.call, clock.now())
    _apply(actor, application, data, uploads)
    record(actor, "sponsorship_application.updated", application)
    if submit:
        WORKFLOW.move(actor, application, S.SUBMITTED)


def move(actor: User, application: Application, target: S, *, reason: str = "") -> None:
    """A move of the table that carries no money; those that do go through offers.py."""
    if target in THROUGH_SERVICE:
        raise DomainError(_("This is done from its own form."))
    if "fund_administrator" in WORKFLOW.kinds_of(actor, application) and target not in (
        S.WITHDRAWN,
    ):
        rules.check_not_own_state(actor, application)
    from meetings.sponsorship import offers

    if target in offers.ENDS_OFFER:
        offers.end(actor, application, target, reason=reason)
    else:
        WORKFLOW.move(actor, application, target, reason=reason)


def targets(actor: User | None, application: Application) -> list[S]:
    """The moves ``actor`` may make from a button (money-bearing ones have their own forms;
    attendance only once the meeting has begun)."""
    now = clock.now()
    return [
        t
        for t in WORKFLOW.targets(actor, application)
        if t not in THROUGH_SERVICE and (t not in ATTENDANCE or attendance_open(application, now))
    ]


# --- reading -------------------------------------------------------------------------------------


def can_see(actor: User | None, application: Application) -> bool:
    return bool(WORKFLOW.kinds_of(actor, application))


def get_application(actor: User | None, application_id: int) -> Application:
    """An application the actor may see: their State's, or any for a fund administrator."""
    application = db.session.get(Application, application_id)
    if application is None or not can_see(actor, application):
        raise NotFound(_("There is no such application."))
    return application


def own_application_for(actor: User, application_id: int) -> Application:
    """The application ``actor`` asks to change: 404 if they cannot see it, 403 if they can (a
    fund administrator) but are not the focal point of its State."""
    application = get_application(actor, application_id)
    if "focal_point" not in WORKFLOW.kinds_of(actor, application):
        raise PermissionDenied(_("Only the focal point of this State may change its application."))
    return application


def of_state(actor: User) -> list[Application]:
    state_id = _state_of(actor)
    return list(
        db.session.scalars(
            sa.select(Application)
            .where(Application.state_id == state_id)
            .order_by(Application.id.desc())
        )
    )


def needs_reason(target: S) -> bool:
    return target in NEEDS_REASON


def applied_for(state_id: int) -> set[int]:
    """The meetings a State already holds a live application for."""
    from meetings.sponsorship.models import CLOSED_STATUSES

    return set(
        db.session.scalars(
            sa.select(Application.meeting_id).where(
                Application.state_id == state_id, Application.status.not_in(CLOSED_STATUSES)
            )
        )
    )


@dataclass(frozen=True)
class CallForState:
    """An open call as the focal point's State stands in it: what it applied for already (live
    applications, each to be linked) and the meetings it may still apply for."""

    call: SponsorshipCall
    applied: list[Application]
    open_meetings: list[Meeting]

    @property
    def has_room(self) -> bool:
        return bool(self.open_meetings)


def open_calls_for_state(actor: User, open_calls: list[SponsorshipCall]) -> list[CallForState]:
    """Each open call with the State's applications to its meetings and the meetings left."""
    from meetings.sponsorship.models import CLOSED_STATUSES

    state_id = _state_of(actor)
    meeting_ids = {m.id for c in open_calls for m in c.meetings}
    live = list(
        db.session.scalars(
            sa.select(Application).where(
                Application.state_id == state_id,
                Application.meeting_id.in_(meeting_ids),
                Application.status.not_in(CLOSED_STATUSES),
            )
        )
    )
    found = []
    for call in open_calls:
        mine = [a for a in live if a.meeting_id in {m.id for m in call.meetings}]
        taken = {a.meeting_id for a in mine}
        found.append(CallForState(call, mine, [m for m in call.meetings if m.id not in taken]))
    return found


def is_administrator(actor: User | None) -> bool:
    return has_permission(actor, Permission.REVIEW_SPONSORSHIP)
