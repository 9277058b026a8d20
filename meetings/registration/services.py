"""Registering people: on their own, by their focal point, by invitation, or by the secretariat
after the deadline. Every path ends in the same rules (registration/rules.py) and the same
workflow (registration/workflow.py)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from meetings import clock
from meetings.audit.services import record
from meetings.auth.models import User
from meetings.auth.permissions import Permission, require
from meetings.auth.services import normalise_email, user_by_email
from meetings.auth.verification import require_verified
from meetings.documents.services import Upload, new_document, new_photo
from meetings.errors import DomainError, PermissionDenied
from meetings.extensions import db
from meetings.reference.models import Organisation, State, UNStatus
from meetings.registration import access, rules
from meetings.registration.models import (
    CATEGORY_ORGANISATION_KIND,
    BasedIn,
    Delegation,
    DelegationRole,
    Gender,
    ParticipantCategory,
    Registration,
    RegistrationStatus,
)
from meetings.registration.workflow import transition
from meetings.schedule.models import Meeting


@dataclass(frozen=True)
class ParticipantData:
    """The person, as entered on a registration form."""

    role: DelegationRole
    courtesy_title: str
    given_names: str
    family_name: str
    functional_title: str
    gender: Gender
    email: str
    phone: str
    based_in: BasedIn | None
    consent_to_publish: bool


@dataclass(frozen=True)
class Affiliation:
    """For whom the person registers: a category and a State or an organisation."""

    category: ParticipantCategory
    state_id: int | None = None
    organisation_id: int | None = None


def affiliation_field(category: ParticipantCategory) -> str:
    """The form field that names the State or organisation of ``category``."""
    return f"{category.value}_id"


def check_chosen_role(role: DelegationRole, current: DelegationRole | None = None) -> None:
    """The head of a delegation is named by its focal point (``name_head``), never chosen on a
    form (three heads otherwise); a named head keeps the role while editing."""
    if role is DelegationRole.HEAD and current is not DelegationRole.HEAD:
        raise DomainError(
            _("The head of the delegation is named by its focal point, on the delegation page."),
            field="role",
        )


def clean(
    data: ParticipantData, *, current_role: DelegationRole | None = None
) -> dict[str, object]:
    """The participant's details, trimmed and checked."""
    check_chosen_role(data.role, current_role)
    values: dict[str, object] = {
        "role": data.role,
        "courtesy_title": data.courtesy_title.strip()[:30],
        "given_names": data.given_names.strip(),
        "family_name": data.family_name.strip(),
        "functional_title": data.functional_title.strip(),
        "gender": data.gender,
        "email": normalise_email(data.email),
        "phone": data.phone.strip(),
        "based_in": data.based_in,
        "consent_to_publish": data.consent_to_publish,
    }
    for field, message in (
        ("given_names", _("Enter the given names as they appear in the passport.")),
        ("family_name", _("Enter the family name as it appears in the passport.")),
        ("functional_title", _("Enter the functional title, e.g. Counsellor.")),
    ):
        if not values[field]:
            raise DomainError(message, field=field)
    if "@" not in str(values["email"]):
        raise DomainError(_("Enter an e-mail address like name@example.org."), field="email")
    return values


# --- delegations ---------------------------------------------------------------------------------


def _resolve(affiliation: Affiliation) -> tuple[State | None, Organisation | None]:
    category = affiliation.category
    if category.is_government:
        state = db.session.get(State, affiliation.state_id) if affiliation.state_id else None
        wanted = (
            UNStatus.MEMBER if category is ParticipantCategory.MEMBER_STATE else UNStatus.OBSERVER
        )
        if state is None or state.un_status is not wanted:
            raise DomainError(
                _("Choose the State you represent."), field=affiliation_field(category)
            )
        return state, None
    organisation = (
        db.session.get(Organisation, affiliation.organisation_id)
        if affiliation.organisation_id
        else None
    )
    if organisation is None or organisation.kind is not CATEGORY_ORGANISATION_KIND[category]:
        raise DomainError(
            _("Choose the organization you represent."), field=affiliation_field(category)
        )
    return None, organisation


def delegation_of(
    meeting: Meeting, state: State | None, organisation: Organisation | None, *, create: bool = True
) -> Delegation | None:
    query = sa.select(Delegation).where(Delegation.meeting_id == meeting.id)
    query = (
        query.where(Delegation.state_id == state.id)
        if state
        else query.where(Delegation.organisation_id == (organisation.id if organisation else None))
    )
    delegation = db.session.scalar(query)
    if delegation is None and create:
        delegation = Delegation(meeting=meeting, state=state, organisation=organisation)
        try:
            with db.session.begin_nested():
                db.session.add(delegation)
        except IntegrityError:  # created at the same moment by someone else
            delegation = db.session.scalar(query)
        else:
            record(
                None,
                "delegation.created",
                delegation,
                after={"meeting": meeting.code, "for": delegation.name},
            )
    return delegation


def focal_point_delegation(actor: User, meeting: Meeting) -> Delegation:
    """The delegation of the focal point's own State or organisation, created if needed."""
    assignment = actor.focal_point_assignment
    if assignment is None:
        raise PermissionDenied(_("Only a focal point has a delegation to manage."))
    delegation = delegation_of(meeting, assignment.state, assignment.organisation)
    assert delegation is not None
    return delegation


# --- registrations -------------------------------------------------------------------------------


def _create(
    actor: User | None,
    meeting: Meeting,
    delegation: Delegation,
    values: dict[str, object],
    **extra: object,
) -> Registration:
    rules.check_unique(meeting, str(values["email"]))
    registration = Registration(
        meeting=meeting,
        delegation=delegation,
        category=delegation.category,
        created_by_id=actor.id if actor else None,
        **values,
        **extra,
    )
    try:
        with db.session.begin_nested():
            db.session.add(registration)
    except IntegrityError:  # the same e-mail registered at the same moment
        raise DomainError(
            _("%(email)s is already registered for this meeting.", email=values["email"]),
            field="email",
        ) from None
    return registration


def _create_on_behalf(
    actor: User | None,
    meeting: Meeting,
    delegation: Delegation,
    values: dict[str, object],
    **extra: object,
) -> Registration:
    """A registration made by the focal point or the secretariat, who hold the nomination: no
    letter is needed, and it shows on the person's own account when they have one."""
    person = user_by_email(str(values["email"]))
    if person is not None and not person.is_verified:
        person = None  # linked once the owner of the address has proven it
    return _create(
        actor,
        meeting,
        delegation,
        values,
        added_on_behalf=True,
        user_id=person.id if person else None,
        **extra,
    )


def register(
    actor: User,
    meeting: Meeting,
    affiliation: Affiliation,
    data: ParticipantData,
    *,
    letter: Upload | None,
    submit: bool,
    photo: Upload | None = None,
) -> Registration:
    """A delegate registers on their own, with the account's own verified address: a draft,
    or submitted at once."""
    require(actor, Permission.REGISTER)
    require_verified(actor)
    if not rules.window_is_open(meeting, clock.now()):
        raise DomainError(rules.window_message(meeting, clock.now()))
    if own_registration(actor, meeting) is not None:
        raise DomainError(_("You are already registered for this meeting."))
    values = clean(data)
    values["email"] = actor.email  # one's own address: nobody registers in another's name
    state, organisation = _resolve(affiliation)
    delegation = delegation_of(meeting, state, organisation)
    assert delegation is not None
    registration = _create(actor, meeting, delegation, values, user_id=actor.id)
    if letter is not None:
        registration.nomination_letter = new_document(actor, letter)
    if photo is not None:
        registration.photo = new_photo(actor, photo, field="photo")
    db.session.flush()
    record(actor, "registration.created", registration, after={"status": registration.status})
    if submit:
        transition(actor, registration, RegistrationStatus.SUBMITTED)
    return registration


def not_editable_message() -> str:
    return str(
        _(
            "This registration can no longer be changed here: it has been acted on. "
            "Withdraw it and register again, or write to the secretariat."
        )
    )


EDITABLE = (RegistrationStatus.DRAFT, RegistrationStatus.SUBMITTED)


def can_edit(actor: User | None, registration: Registration) -> bool:
    """Whether ``actor`` may change the details of ``registration``: their own, as a draft or
    submitted and not yet approved."""
    return (
        actor is not None and registration.user_id == actor.id and registration.status in EDITABLE
    )


def own_registration_for(actor: User, registration_id: int) -> Registration:
    """The registration ``actor`` asks to change: 404 if they cannot see it, 403 if they can
    (a focal point, the secretariat) but it is not theirs to change."""
    registration = access.registration_for(actor, registration_id)
    if registration.user_id != actor.id:
        raise PermissionDenied(_("Only the participant may change this registration."))
    return registration


def update_draft(
    actor: User,
    registration: Registration,
    data: ParticipantData,
    *,
    letter: Upload | None,
    submit: bool,
    photo: Upload | None = None,
) -> None:
    if registration.user_id != actor.id:
        raise PermissionDenied(_("Only the participant may change this registration."))
    if not can_edit(actor, registration):
        raise DomainError(not_editable_message())
    values = clean(data, current_role=registration.role)
    rules.check_unique(registration.meeting, str(values["email"]), ignore=registration.id)
    for key, value in values.items():
        setattr(registration, key, value)
    if letter is not None:
        registration.nomination_letter = new_document(actor, letter)
    if photo is not None:
        registration.photo = new_photo(actor, photo, field="photo")
    db.session.flush()
    record(actor, "registration.updated", registration)
    if submit and registration.status is RegistrationStatus.DRAFT:
        transition(actor, registration, RegistrationStatus.SUBMITTED)


def add_member(actor: User, delegation: Delegation, data: ParticipantData) -> Registration:
    """The focal point adds a member: no nomination letter is needed, and adding them is the
    focal point's approval (the first stage)."""
    access.require_focal_point(actor, delegation)
    meeting = db.session.get(Meeting, delegation.meeting_id)
    assert meeting is not None
    rules.check_window(actor, meeting, clock.now(), late_reason="")
    values = clean(data)
    registration = _create_on_behalf(actor, meeting, delegation, values)
    db.session.flush()
    record(actor, "registration.added_by_focal_point", registration)
    transition(actor, registration, RegistrationStatus.SUBMITTED)
    transition(actor, registration, RegistrationStatus.APPROVED)
    return registration


def register_late(
    actor: User | None,
    meeting: Meeting,
    affiliation: Affiliation,
    data: ParticipantData,
    *,
    reason: str,
) -> Registration:
    """The secretariat registers someone, also after the deadline (with a logged reason).

    ``actor`` None is the system itself (demo data)."""
    if actor is not None:
        require(actor, Permission.MANAGE_REGISTRATIONS)
    in_window = rules.check_window(actor, meeting, clock.now(), late_reason=reason)
    values = clean(data)
    state, organisation = _resolve(affiliation)
    delegation = delegation_of(meeting, state, organisation)
    assert delegation is not None
    registration = _create_on_behalf(
        actor,
        meeting,
        delegation,
        values,
        late_registration_reason=None if in_window else reason.strip(),
    )
    db.session.flush()
    record(
        actor,
        "registration.registered_by_secretariat",
        registration,
        reason=None if in_window else reason.strip(),
        after={"outside_window": not in_window},
    )
    transition(actor, registration, RegistrationStatus.SUBMITTED)
    return registration


def link_by_address(user: User) -> None:
    """A newly verified account takes the registrations made for its address by a focal point
    or the secretariat."""
    db.session.execute(
        sa.update(Registration)
        .where(Registration.email == user.email, Registration.user_id.is_(None))
        .values(user_id=user.id)
        .execution_options(synchronize_session=False)
    )


def own_registration(actor: User, meeting: Meeting) -> Registration | None:
    """The actor's own registration for ``meeting``, if any."""
    return db.session.scalar(
        sa.select(Registration).where(
            Registration.meeting_id == meeting.id,
            sa.or_(Registration.user_id == actor.id, Registration.email == actor.email),
        )
    )
