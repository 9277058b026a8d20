"""The rules an application meets: on time, for an eligible State, one per State and meeting,
complete with its documents, a nominee of that State, DSA days within the meeting's dates plus
travel days, and no administrator deciding on their own State."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from meetings.auth.models import User
from meetings.errors import DomainError, Incomplete, PermissionDenied
from meetings.extensions import db
from meetings.fund.donors import donor_of
from meetings.reference.models import State
from meetings.schedule.models import Meeting
from meetings.sponsorship.calls import call_zone, is_open, max_dsa_days
from meetings.sponsorship.models import (
    CLOSED_STATUSES,
    Application,
    Eligibility,
    SponsorshipCall,
)


def _when(call: SponsorshipCall) -> dict[str, str]:
    local = call.deadline_at.astimezone(call_zone(call))
    return {
        "day": local.strftime("%Y-%m-%d"),
        "time": local.strftime("%H:%M"),
        "zone": local.tzname() or "",
    }


def check_in_time(call: SponsorshipCall, now: datetime) -> None:
    if now >= call.deadline_at:
        raise DomainError(
            _(
                "Applications to this call closed on %(day)s at %(time)s %(zone)s: it is too "
                "late to apply.",
                **_when(call),
            )
        )
    if not is_open(call, now):
        raise DomainError(_("This call opens on %(day)s.", day=call.opens_on.isoformat()))


def check_eligible(call: SponsorshipCall, state: State) -> None:
    if call.eligibility is Eligibility.LDC_ONLY and not state.is_least_developed:
        raise DomainError(
            _(
                "This call is open to least developed countries only; %(state)s is not one.",
                state=state.display_name,
            )
        )


def check_one_per_state(meeting: Meeting, state: State, *, ignore: int | None = None) -> None:
    query = sa.select(Application.id).where(
        Application.meeting_id == meeting.id,
        Application.state_id == state.id,
        Application.status.not_in(CLOSED_STATUSES),
    )
    if ignore is not None:
        query = query.where(Application.id != ignore)
    if db.session.scalar(query) is not None:
        raise DomainError(
            _(
                "%(state)s has already applied for %(meeting)s: one sponsored nominee per State "
                "and meeting.",
                state=state.display_name,
                meeting=meeting.display_title,
            ),
            field="meeting_id",
        )


def check_dsa_days(call: SponsorshipCall, meeting: Meeting, days: int) -> None:
    most = max_dsa_days(call, meeting)
    if not 1 <= days <= most:
        raise DomainError(
            _(
                "Between 1 and %(most)d days: the meeting's days plus %(travel)d travel days.",
                most=most,
                travel=call.travel_days,
            ),
            field="dsa_days",
        )


def check_complete(application: Application) -> None:
    """Everything an application needs before it is submitted; every missing thing is named,
    each beside its field, in the order of the form."""
    problems: list[tuple[str | None, str]] = []
    if application.registration_id is None:
        problems.append(("registration_id", _("Name the nominee before submitting.")))
    if not application.justification.strip():
        problems.append(("justification", _("Say why the State needs the fund's support.")))
    for field, text in (
        ("note_verbale", _("Attach the note verbale before submitting.")),
        ("nomination_form", _("Attach the nomination form before submitting.")),
        ("passport_copy", _("Attach the copy of the passport before submitting.")),
    ):
        if getattr(application, f"{field}_id") is None:
            problems.append((field, text))
    if problems:
        raise Incomplete(problems)
    check_dsa_days(application.call, application.meeting, application.dsa_days)


def states_of(user: User) -> set[int]:
    """The States ``user`` is linked to: as their focal point, or acting for their government
    as a donor."""
    found = set()
    assignment = user.focal_point_assignment
    if assignment is not None and assignment.state_id is not None:
        found.add(assignment.state_id)
    donor = donor_of(user)
    if donor is not None and donor.state_id is not None:
        found.add(donor.state_id)
    return found


def check_not_own_state(actor: User | None, application: Application) -> None:
    if actor is not None and application.state_id in states_of(actor):
        raise PermissionDenied(
            _(
                "You are linked to %(state)s: another administrator must decide on its "
                "application.",
                state=application.state.display_name,
            )
        )
