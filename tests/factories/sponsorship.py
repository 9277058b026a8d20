"""Sponsorship test data, built through the services. The clock stands at 1 May 2018 (the
sponsorship tests' conftest), inside the call and the meeting's registration window."""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass
from datetime import date

from meetings.auth.models import Role, User
from meetings.documents.services import read_upload
from meetings.money import Money
from meetings.reference.models import State
from meetings.reference.services import state_by_code
from meetings.registration import services as registration
from meetings.registration.models import RegistrationStatus
from meetings.registration.workflow import transition
from meetings.schedule.models import Meeting
from meetings.sponsorship import applications, calls, dsa, offers
from meetings.sponsorship.models import Application, Eligibility, SponsorshipCall
from meetings.sponsorship.models import ApplicationStatus as S
from meetings.sponsorship.workflow import WORKFLOW
from tests.factories.auth import make_user
from tests.factories.registration import PDF, make_open_meeting, person

_sequence = itertools.count(1)
DSA_RATE = Money(40_000, "USD")  # USD 400.00 a day


def make_call(
    meeting: Meeting | None = None,
    *,
    eligibility: Eligibility = Eligibility.DEVELOPING_LDC_FIRST,
    deadline: date = date(2018, 5, 15),
    reply_days: int = 14,
) -> SponsorshipCall:
    meeting = meeting or make_open_meeting()
    dsa.set_rate(None, "New York", DSA_RATE, date(2018, 1, 1))
    return calls.create_call(
        None,
        calls.CallData(
            title=f"Call {next(_sequence)}",
            meeting_ids=[meeting.id],
            opens_on=date(2018, 4, 1),
            deadline=deadline,
            eligibility=eligibility,
            dsa_city="New York",
            reply_days=reply_days,
        ),
    )


def documents() -> dict[str, object]:
    return {
        name: read_upload(io.BytesIO(PDF), f"{name}.pdf", field=name)
        for name in applications.DOCUMENTS
    }


@dataclass
class Applicant:
    state: State
    focal_point: User
    registration_id: int


def applicant(meeting: Meeting, code: str = "SL", *, gender: str = "female") -> Applicant:
    """A State's focal point, and a member of its delegation to ``meeting``."""
    state = state_by_code(code)
    assert state is not None
    focal = make_user(roles=[Role.FOCAL_POINT], state=state)
    delegation = registration.focal_point_delegation(focal, meeting)
    from meetings.registration.models import Gender

    member = registration.add_member(focal, delegation, person(gender=Gender(gender)))
    return Applicant(state, focal, member.id)


def data(
    meeting: Meeting, registration_id: int | None, **changes: object
) -> applications.ApplicationData:
    values: dict[str, object] = {
        "meeting_id": meeting.id,
        "registration_id": registration_id,
        "capital_based": True,
        "departure_city": "Freetown",
        "airfare": Money(180_000, "USD"),
        "dsa_days": 14,
        "terminal": Money(15_000, "USD"),
        "justification": "No travel budget this year.",
    }
    values.update(changes)
    return applications.ApplicationData(**values)  # type: ignore[arg-type]


def apply(
    call: SponsorshipCall, who: Applicant, *, submit: bool = True, **changes: object
) -> Application:
    meeting = call.meetings[0]
    return applications.start(
        who.focal_point,
        call,
        data(meeting, who.registration_id, **changes),
        documents(),  # type: ignore[arg-type]
        submit=submit,
    )


def under_review(application: Application) -> Application:
    WORKFLOW.move(None, application, S.ELIGIBLE)
    WORKFLOW.move(None, application, S.UNDER_REVIEW)
    return application


def offered(application: Application) -> Application:
    under_review(application)
    offers.propose(
        None,
        application,
        offers.AwardData(application.airfare, application.dsa_days, application.terminal),
    )
    return application


def accredit(registration_id: int) -> None:
    import sqlalchemy as sa
    from sqlalchemy.orm import joinedload

    from meetings.extensions import db
    from meetings.registration.models import Registration

    found = db.session.scalars(
        sa.select(Registration)
        .options(joinedload(Registration.meeting), joinedload(Registration.delegation))
        .where(Registration.id == registration_id)
    ).one()
    if found.status is RegistrationStatus.APPROVED:
        transition(None, found, RegistrationStatus.ACCREDITED)


def application_form(meeting_id: int, registration_id: int | None, **changes: object) -> dict:
    """What the focal point posts on the application form: a complete application (submitted),
    with ``changes``; a change to None leaves that field out."""
    import io

    from tests.factories.registration import PDF

    data: dict[str, object] = {
        "meeting_id": str(meeting_id),
        "nominee_source": "member",
        "registration_id": str(registration_id or ""),
        "capital_based": "y",
        "departure_city": "Freetown",
        "airfare": "1,800.00",
        "dsa_days": "14",
        "terminal": "150",
        "justification": "No budget",
        "note_verbale": (io.BytesIO(PDF), "nv.pdf"),
        "nomination_form": (io.BytesIO(PDF), "form.pdf"),
        "passport_copy": (io.BytesIO(PDF), "passport.pdf"),
        "submit": "1",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}
