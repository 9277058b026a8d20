"""Reading registrations: the secretariat's list, statistics, the list of participants (the CSV
exports are in csv_exports.py). Each issues a fixed number of queries whatever the number of
registrations."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, load_only, raiseload
from sqlalchemy.orm.attributes import set_committed_value

from meetings.auth.models import User
from meetings.auth.permissions import Permission, require
from meetings.extensions import db
from meetings.pagination import Page, paginate
from meetings.reference.models import OrganisationKind, RegionalGroup, State
from meetings.reference.names import group_name
from meetings.registration.models import (
    ACTIVE_STATUSES,
    Delegation,
    DelegationRole,
    Gender,
    ParticipantCategory,
    Registration,
    RegistrationStatus,
)
from meetings.schedule.models import Meeting


@dataclass(frozen=True)
class RegistrationFilter:
    meeting_id: int | None = None
    status: RegistrationStatus | None = None
    category: ParticipantCategory | None = None
    state_id: int | None = None
    regional_group_id: int | None = None
    gender: Gender | None = None
    search: str = ""
    # True: passes printed; False: accredited, pass not printed yet.
    printed: bool | None = None


def _filtered(filters: RegistrationFilter) -> sa.Select[Any]:
    query = sa.select(Registration).join(Delegation, Delegation.id == Registration.delegation_id)
    if filters.meeting_id is not None:
        query = query.where(Registration.meeting_id == filters.meeting_id)
    if filters.status is not None:
        query = query.where(Registration.status == filters.status)
    if filters.category is not None:
        query = query.where(Registration.category == filters.category)
    if filters.state_id is not None:
        query = query.where(Delegation.state_id == filters.state_id)
    if filters.regional_group_id is not None:
        query = query.where(
            Delegation.state_id.in_(
                sa.select(State.id).where(State.regional_group_id == filters.regional_group_id)
            )
        )
    if filters.gender is not None:
        query = query.where(Registration.gender == filters.gender)
    if filters.printed is True:
        query = query.where(Registration.badge_printed_at.is_not(None))
    elif filters.printed is False:
        query = query.where(
            Registration.status == RegistrationStatus.ACCREDITED,
            Registration.badge_printed_at.is_(None),
        )
    term = filters.search.strip().lower()
    if term:
        pattern = f"%{term.replace('%', '').replace('_', '')}%"
        query = query.where(
            sa.or_(
                Registration.email.like(pattern),
                sa.func.lower(Registration.family_name).like(pattern),
                sa.func.lower(Registration.given_names).like(pattern),
                sa.func.lower(Registration.given_names + " " + Registration.family_name).like(
                    pattern
                ),
            )
        )
    return query


# The secretariat's list counts no further: a decade of meetings holds hundreds of thousands of
# registrations, and counting them all on every page costs more than the page.
LIST_COUNT_LIMIT = 10_000


def registrations(
    actor: User, filters: RegistrationFilter, *, page: int, per_page: int = 50
) -> Page[Registration]:
    require(actor, Permission.MANAGE_REGISTRATIONS)
    query = (
        _filtered(filters)
        .options(*_LIST_COLUMNS)
        .order_by(Registration.family_name, Registration.given_names, Registration.id)
    )
    return paginate(query, page=page, per_page=per_page, count_up_to=LIST_COUNT_LIMIT)


# What a row of the list shows, and no more: whole registrations, delegations (with their
# document, State and regional group) and meetings (with their titles in six languages) made
# reading a page of 50 twice as slow.
_LIST_COLUMNS = (
    load_only(
        Registration.id,
        Registration.meeting_id,
        Registration.delegation_id,
        Registration.category,
        Registration.status,
        Registration.given_names,
        Registration.family_name,
        Registration.email,
        Registration.nomination_letter_id,
        Registration.photo_id,
        Registration.added_on_behalf,
        Registration.badge_print_count,
        Registration.checked_in_at,
        raiseload=True,
    ),
    joinedload(Registration.meeting).load_only(Meeting.id, Meeting.code, raiseload=True),
    joinedload(Registration.delegation)
    .load_only(Delegation.id, Delegation.state_id, Delegation.organisation_id, raiseload=True)
    .options(
        raiseload(Delegation.nomination_document),
        joinedload(Delegation.state)
        .load_only(State.id, State.alpha2, State.name, State.un_status, raiseload=True)
        .raiseload(State.regional_group),
    ),
)


def registrations_by_id(actor: User, ids: list[int]) -> list[Registration]:
    require(actor, Permission.MANAGE_REGISTRATIONS)
    if not ids:
        return []
    return list(
        db.session.scalars(
            sa.select(Registration)
            .options(joinedload(Registration.delegation), joinedload(Registration.meeting))
            .where(Registration.id.in_(ids))
            .order_by(Registration.id)
        )
    )


# --- statistics ----------------------------------------------------------------------------------


@dataclass
class Statistics:
    total: int = 0  # registrations that hold a place (submitted, approved, accredited)
    all_registrations: int = 0
    by_status: dict[Any, int] = field(default_factory=dict)  # every registration
    by_category: dict[Any, int] = field(default_factory=dict)
    by_regional_group: dict[Any, int] = field(default_factory=dict)
    by_gender: dict[Any, int] = field(default_factory=dict)
    checked_in_by_day: list[tuple[date, int]] = field(default_factory=list)  # venue days
    checked_in: int = 0


def _counts(column: Any, meeting: Meeting, *joins: Any, holding: bool = True) -> dict[Any, int]:
    """Counts by the column's values (enum members, shown by their labels); None becomes "".
    Only registrations that hold a place, unless ``holding`` is False."""
    query = sa.select(column, sa.func.count(Registration.id)).select_from(Registration)
    for target, condition in joins:
        query = query.outerjoin(target, condition)
    query = query.where(Registration.meeting_id == meeting.id)
    if holding:
        query = query.where(Registration.status.in_(ACTIVE_STATUSES))
    rows = db.session.execute(query.group_by(column)).all()
    return {key if key is not None else "": n for key, n in rows}


def statistics(actor: User, meeting: Meeting) -> Statistics:
    """Who holds a place, by category, gender and region; every registration by status; and
    who came, day by day at the venue."""
    require(actor, Permission.MANAGE_REGISTRATIONS)
    stats = Statistics()
    stats.by_status = _counts(Registration.status, meeting, holding=False)
    stats.all_registrations = sum(stats.by_status.values())
    stats.total = sum(n for status, n in stats.by_status.items() if status in ACTIVE_STATUSES)
    stats.by_category = _counts(Registration.category, meeting)
    stats.by_gender = _counts(Registration.gender, meeting)
    stats.by_regional_group = _counts(
        RegionalGroup.code,
        meeting,
        (Delegation, Delegation.id == Registration.delegation_id),
        (State, State.id == Delegation.state_id),
        (RegionalGroup, RegionalGroup.id == State.regional_group_id),
    )
    stats.by_regional_group = {
        (group_name(code, code) if code else ""): n for code, n in stats.by_regional_group.items()
    }
    days: Counter[date] = Counter()
    moments = db.session.scalars(
        sa.select(Registration.checked_in_at).where(
            Registration.meeting_id == meeting.id, Registration.checked_in_at.is_not(None)
        )
    )
    zone = meeting.zone
    for moment in moments:
        if moment is not None:
            days[moment.astimezone(zone).date()] += 1
    stats.checked_in_by_day = sorted(days.items())
    stats.checked_in = sum(days.values())
    return stats


# --- list of participants ------------------------------------------------------------------------

ROLE_ORDER = {
    DelegationRole.HEAD: 0,
    DelegationRole.ALTERNATE: 1,
    DelegationRole.ADVISER: 2,
    DelegationRole.REPRESENTATIVE: 3,
}
KIND_ORDER = [
    OrganisationKind.IGO,
    OrganisationKind.UN_ENTITY,
    OrganisationKind.NGO,
    OrganisationKind.MEDIA,
]


@dataclass
class ParticipantGroup:
    key: str  # member_state, observer_state, or an organisation kind
    delegations: list[tuple[str, list[Registration]]] = field(default_factory=list)


def list_of_participants(meeting: Meeting) -> list[ParticipantGroup]:
    """Accredited participants who agreed to appear: Member States in alphabetical order, then
    observer States, then organisations by kind; heads of delegation first in each."""
    rows = db.session.scalars(
        sa.select(Registration)
        .options(joinedload(Registration.delegation))
        .where(
            Registration.meeting_id == meeting.id,
            Registration.status == RegistrationStatus.ACCREDITED,
            Registration.consent_to_publish,
        )
    ).all()
    groups: dict[str, dict[str, list[Registration]]] = {}
    for registration in rows:
        delegation = registration.delegation
        organisation = delegation.organisation
        key = organisation.kind.value if organisation is not None else registration.category.value
        groups.setdefault(key, {}).setdefault(delegation.name, []).append(registration)
    order = ["member_state", "observer_state", *(k.value for k in KIND_ORDER)]
    result = []
    for key in order:
        if key not in groups:
            continue
        members = groups[key]
        result.append(
            ParticipantGroup(
                key,
                [
                    (
                        name,
                        sorted(
                            people,
                            key=lambda r: (
                                ROLE_ORDER[r.role],
                                r.family_name.casefold(),
                                r.given_names.casefold(),
                            ),
                        ),
                    )
                    for name, people in sorted(members.items(), key=lambda item: item[0].casefold())
                ],
            )
        )
    return result


# --- a person's own registrations ----------------------------------------------------------------


def my_registrations(user: User) -> list[Registration]:
    return list(
        db.session.scalars(
            sa.select(Registration)
            .options(joinedload(Registration.meeting), joinedload(Registration.delegation))
            .where(Registration.user_id == user.id)
            .order_by(Registration.created_at.desc())
        )
    )


def unfinished(registrations: list[Registration]) -> list[Registration]:
    """Those not submitted yet (a draft, or one reopened after a withdrawal): nobody considers
    them until their person submits them."""
    return [r for r in registrations if r.status is RegistrationStatus.DRAFT]


def delegation_members(delegation: Delegation) -> list[Registration]:
    members = list(
        db.session.scalars(
            sa.select(Registration)
            .options(joinedload(Registration.nomination_letter))
            .where(Registration.delegation_id == delegation.id)
            .order_by(Registration.family_name, Registration.given_names)
        )
    )
    for member in members:
        set_committed_value(member, "delegation", delegation)
    return members


def followed_meeting_ids(user: User) -> sa.Select[Any]:
    """Meetings the user is registered for (a place held): their sittings go in the user's feed."""
    return sa.select(Registration.meeting_id).where(
        Registration.user_id == user.id, Registration.status.in_(ACTIVE_STATUSES)
    )


def has_registrations(meeting: Meeting) -> bool:
    return (
        db.session.scalar(
            sa.select(Registration.id).where(Registration.meeting_id == meeting.id).limit(1)
        )
        is not None
    )


def registrations_after(
    actor: User, filters: RegistrationFilter, after_id: int | None, limit: int
) -> list[Registration]:
    """The secretariat's registrations in id order after ``after_id`` (the API's cursor): one
    indexed range, however many registrations the meeting has."""
    require(actor, Permission.MANAGE_REGISTRATIONS)
    query = _filtered(filters).options(*_LIST_COLUMNS).order_by(Registration.id).limit(limit)
    if after_id is not None:
        query = query.where(Registration.id > after_id)
    return list(db.session.scalars(query))
