"""Demo sponsorship: a call for the Third Review Conference with applications in several states
(one offered, one accepted, one under review, others before), made through the services with the
clock standing in April 2018; and a call open today for the demonstration's Biennial Meeting, with
applications in early states, to which the demo focal point's State (Sierra Leone) has not yet
applied. The DSA rate comes from a data file marked as illustrative."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from importlib import resources

import sqlalchemy as sa

from meetings import clock
from meetings.auth.models import Role, User
from meetings.documents.services import Upload, read_upload
from meetings.extensions import db
from meetings.money import Money
from meetings.reference.services import state_by_code
from meetings.registration import nominees
from meetings.registration.demo import DEMO_MEETING
from meetings.schedule import services as schedule
from meetings.sponsorship import applications, calls, dsa, offers, reviews
from meetings.sponsorship.models import ApplicationStatus as S
from meetings.sponsorship.models import Eligibility, SponsorshipCall
from meetings.sponsorship.workflow import WORKFLOW

REVCON = "POA-REVCON3"
APRIL = datetime(2018, 4, 20, 14, 0, tzinfo=UTC)
# State, capital-based, airfare estimate (USD), the state the demo leaves the application in.
APPLICANTS = (
    ("SEN", True, "1850.00", S.ACCEPTED),
    ("GHA", True, "1620.00", S.OFFERED),
    ("COL", False, "980.00", S.UNDER_REVIEW),
    ("PHL", True, "2100.00", S.ELIGIBLE),
    ("KEN", True, "1540.00", S.SUBMITTED),
)


def _document(name: str) -> Upload:
    pdf = (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n"
        b"% Illustrative document for the demonstration data\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    )
    return read_upload(io.BytesIO(pdf), f"{name}-illustrative.pdf", field=name)


def _dsa_rates() -> None:
    text = resources.files("meetings.sponsorship").joinpath("data", "demo_dsa.csv").read_text()
    for row in csv.DictReader(line for line in text.splitlines() if not line.startswith("#")):
        dsa.set_rate(
            None,
            row["city"],
            Money(int(Decimal(row["daily_rate_usd"]) * 100), "USD"),
            date.fromisoformat(row["valid_from"]),
            "Illustrative figure for the demonstration data",
        )


def seed_sponsorship(users: dict[Role, User]) -> None:
    if not db.session.scalar(sa.select(sa.func.count()).select_from(SponsorshipCall)):
        _revcon_call(users)
    _open_call()


def _application_data(
    meeting_id: int, registration_id: int, state_name: str, airfare: str
) -> applications.ApplicationData:
    return applications.ApplicationData(
        meeting_id=meeting_id,
        registration_id=registration_id,
        capital_based=True,
        departure_city=f"Capital of {state_name}",
        airfare=Money(int(Decimal(airfare) * 100), "USD"),
        dsa_days=7,
        terminal=Money(18_000, "USD"),
        justification=(
            "Illustrative: the national commission on small arms has no budget for "
            "travel to New York this year."
        ),
    )


OPEN_CALL_TITLE = "Sponsorship for the Biennial Meeting of States (demonstration)"
# State, airfare estimate (USD), the state the demo leaves the application in.
OPEN_CALL_APPLICANTS = (("GHA", "1480.00", S.SUBMITTED), ("MEX", "760.00", S.ELIGIBLE))


def _open_call() -> None:
    """A call open today for the demonstration's Biennial Meeting (see registration/demo.py)."""
    meeting = schedule.meeting_with_code(DEMO_MEETING)
    if meeting is None or db.session.scalar(
        sa.select(SponsorshipCall.id).where(SponsorshipCall.title == OPEN_CALL_TITLE)
    ):
        return
    today = clock.now().date()
    call = calls.create_call(
        None,
        calls.CallData(
            title=OPEN_CALL_TITLE,
            meeting_ids=[meeting.id],
            opens_on=today - timedelta(days=7),
            deadline=min(today + timedelta(days=28), meeting.start_date - timedelta(days=14)),
            eligibility=Eligibility.DEVELOPING_LDC_FIRST,
            dsa_city="New York",
            covered_costs=(
                "Economy return airfare from the capital, daily subsistence allowance for the "
                "days of the meeting and two travel days, terminal expenses."
            ),
        ),
    )
    for code, airfare, final in OPEN_CALL_APPLICANTS:
        state = state_by_code(code)
        assert state is not None
        members = nominees.members_of(meeting, state)
        if not members:
            continue
        application = applications.start(
            None,
            call,
            _application_data(meeting.id, members[0].id, state.name, airfare),
            {name: _document(name) for name in applications.DOCUMENTS},
            submit=True,
            state=state,
        )
        if final is S.ELIGIBLE:
            WORKFLOW.move(None, application, S.ELIGIBLE)


def _revcon_call(users: dict[Role, User]) -> None:
    meeting = schedule.meeting_with_code(REVCON)
    if meeting is None:
        return
    _dsa_rates()
    admin = users[Role.FUND_ADMINISTRATOR]
    with clock.standing_at(datetime(2018, 3, 1, 12, 0, tzinfo=UTC)):
        call = calls.create_call(
            None,
            calls.CallData(
                title="Sponsorship for the Third Review Conference",
                meeting_ids=[meeting.id],
                opens_on=date(2018, 3, 1),
                deadline=date(2018, 4, 27),
                eligibility=Eligibility.DEVELOPING_LDC_FIRST,
                dsa_city="New York",
                covered_costs=(
                    "Economy return airfare from the capital, daily subsistence allowance for "
                    "the days of the Conference and two travel days, terminal expenses."
                ),
            ),
        )
    for code, capital, airfare, final in APPLICANTS:
        state = state_by_code(code)
        assert state is not None
        members = nominees.members_of(meeting, state)
        if not members:
            continue
        with clock.standing_at(APRIL):
            data = replace(
                _application_data(meeting.id, members[0].id, state.name, airfare),
                capital_based=capital,
                dsa_days=14,
            )
            application = applications.start(
                None,
                call,
                data,
                {name: _document(name) for name in applications.DOCUMENTS},
                submit=True,
                state=state,
            )
            if final is S.SUBMITTED:
                continue
            WORKFLOW.move(None, application, S.ELIGIBLE)
            if final is S.ELIGIBLE:
                continue
            WORKFLOW.move(None, application, S.UNDER_REVIEW)
            reviews.review(
                admin,
                application,
                4,
                "Complete; capital-based expert.",
                message_to_state="Your application is complete.",
            )
            if final is S.UNDER_REVIEW:
                continue
            award = offers.AwardData(
                application.airfare, application.dsa_days, application.terminal
            )
        if final is S.OFFERED:
            offers.propose(None, application, award)  # today: the State has two weeks to answer
            continue
        with clock.standing_at(APRIL):
            offers.propose(None, application, award)
            WORKFLOW.move(None, application, S.ACCEPTED)
