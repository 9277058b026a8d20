"""The secretariat's CSV exports of a meeting's registrations and its list of participants:
words, not codes; times at the venue; read in batches, so memory stays flat."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from meetings.auth.models import User
from meetings.auth.permissions import Permission, require
from meetings.exports import Telephone, csv_line, venue_time, yes_no
from meetings.extensions import db
from meetings.labels import label, labeller
from meetings.reference.models import Organisation, State
from meetings.registration.courtesy import courtesy
from meetings.registration.models import Delegation, ParticipantCategory, Registration
from meetings.registration.queries import list_of_participants
from meetings.schedule.models import Meeting


def _export_columns() -> list[str]:
    return [
        str(_("Number")),
        str(_("Status")),
        str(_("Category")),
        str(_("Delegation")),
        str(_("Role")),
        str(_("Title")),
        str(_("Given names")),
        str(_("Family name")),
        str(_("Functional title")),
        str(_("Gender")),
        str(_("E-mail")),
        str(_("Telephone")),
        str(_("Based in")),
        str(_("In the public list")),
        str(_("Submitted (%(zone)s)", zone="{zone}")),
        str(_("Checked in (%(zone)s)", zone="{zone}")),
    ]


def _word(value: Any) -> str:
    return label(value) if value is not None else ""


def export_registrations(actor: User, meeting: Meeting) -> Iterator[str]:
    """Every registration of ``meeting`` as CSV lines (words, not codes; times at the venue),
    read in batches: memory stays flat."""
    require(actor, Permission.MANAGE_REGISTRATIONS)
    delegation_name = sa.func.coalesce(State.name, Organisation.name)
    query = (
        sa.select(
            Registration.id,
            Registration.status,
            Registration.category,
            delegation_name,
            Registration.role,
            Registration.courtesy_title,
            Registration.given_names,
            Registration.family_name,
            Registration.functional_title,
            Registration.gender,
            Registration.email,
            Registration.phone,
            Registration.based_in,
            Registration.consent_to_publish,
            Registration.submitted_at,
            Registration.checked_in_at,
        )
        .join(Delegation, Delegation.id == Registration.delegation_id)
        .outerjoin(State, State.id == Delegation.state_id)
        .outerjoin(Organisation, Organisation.id == Delegation.organisation_id)
        .where(Registration.meeting_id == meeting.id)
        .order_by(Registration.id)
        .execution_options(yield_per=1000)
    )
    zone = meeting.zone
    word = labeller()
    yes, no = yes_no(True), yes_no(False)
    yield csv_line(column.format(zone=meeting.timezone) for column in _export_columns())
    for row in db.session.execute(query):
        (number, status, category, delegation, role, title, given, family, function) = row[:9]
        (gender, email, phone, based_in, consent, submitted, checked_in) = row[9:]
        yield csv_line(
            [
                number,
                word(status),
                word(category),
                delegation,
                word(role),
                courtesy(title) if title else "",
                given,
                family,
                function,
                word(gender),
                email,
                Telephone(phone or ""),
                word(based_in),
                yes if consent else no,
                venue_time(submitted, zone),
                venue_time(checked_in, zone),
            ]
        )


def export_participants(meeting: Meeting) -> Iterator[str]:
    yield csv_line(
        [str(_("Group")), str(_("Delegation")), str(_("Role")), str(_("Name")), str(_("Title"))]
    )
    for group in list_of_participants(meeting):
        group_name = label(ParticipantCategory(group.key))  # a category, or its organisations
        for delegation, people in group.delegations:
            for person in people:
                yield csv_line(
                    [
                        group_name,
                        delegation,
                        _word(person.role),
                        person.display_name,
                        person.functional_title,
                    ]
                )
