"""One of everything, for the standing checks: a meeting with a sitting and a room, State A's
delegation with a participant's registration, a sponsorship application of State A, a donor with a
contribution, a refund and a pledge, a message in the outbox, and one account per role.

Every object in a URL belongs to someone who is *not* among the roles that make requests (the
participant, the donor's own account), except State A's, whose focal point is a role: so each
role meets an object that is someone else's, and the focal point of State A one that is theirs.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa

from meetings.auth.models import Role, User
from meetings.documents.storage import read_upload
from meetings.extensions import db
from meetings.fund import announcements, donors, pledges, refunds
from meetings.fund.models import DonorKind
from meetings.mail import OutboxMessage
from meetings.money import Money
from meetings.reference.services import state_by_code
from meetings.registration import badges, delegations
from meetings.registration import services as registration
from meetings.registration.models import RegistrationStatus
from meetings.registration.workflow import transition
from meetings.schedule.models import ProgrammeImport, SittingKind
from meetings.sponsorship import applications
from meetings.sponsorship.models import ApplicationStatus
from meetings.sponsorship.workflow import WORKFLOW
from tests.factories.auth import make_user
from tests.factories.fund import bank_transfer, make_donor
from tests.factories.registration import (
    for_state,
    letter,
    make_open_meeting,
    person,
    photo_bytes,
    register,
)
from tests.factories.schedule import make_room, make_sitting
from tests.factories.sponsorship import Applicant, applicant, apply, make_call, offered

ROLES = (
    "anonymous",
    "delegate",
    "focal point A",
    "focal point B",
    "secretariat",
    "fund administrator",
    "donor",
    "administrator",
)
MEETING = "AUTHZ"


@dataclass
class World:
    accounts: dict[str, User | None]
    arguments: dict[str, Any] = field(default_factory=dict)
    # Where one route needs another object than the rest (a badge exists once accredited).
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Form fields naming the world's objects, sent with every POST.
    body: dict[str, str] = field(default_factory=dict)


def _reporting(meeting: Any, focal_a: User) -> tuple[Any, Any, int]:
    """A reporting cycle for the meeting; State A's draft; Ghana's published report with a
    need."""
    from meetings.reporting import cycles, reports
    from meetings.reporting.models import Instruments
    from meetings.reporting.template_files import latest, load_templates
    from tests.factories.reporting import fill

    load_templates()
    template = latest()
    assert template is not None
    cycle = cycles.create_cycle(
        None,
        cycles.CycleData(
            meeting_id=meeting.id,
            template_id=template.id,
            instruments=Instruments.BOTH,
            opens_on=date(2018, 3, 1),
            closes_on=date(2018, 6, 1),
        ),
    )
    draft = reports.start(focal_a, cycle)
    reports.attach(focal_a, draft, letter())
    ghana = make_user(roles=[Role.FOCAL_POINT], state=state_by_code("GH"))
    published = reports.start(ghana, cycle)
    fill(ghana, published)
    reports.save_section(
        ghana,
        published,
        "assistance",
        {
            "assistance.items.0.kind": "need",
            "assistance.items.0.area": "stockpile",
            "assistance.items.0.description": "Secure storage",
        },
    )
    reports.set_choices(ghana, published, public=True, contacts_to_directory=True)
    reports.submit(ghana, published)
    need = db.session.scalar(sa.text("SELECT min(id) FROM assistance_item"))
    return cycle, draft, int(need)


def _floor(
    meeting: Any, sitting: Any, focal_a: User, focal_b: User, secretariat: User
) -> dict[str, int]:
    """An open list of speakers of the meeting: State A and State B inscribed, B proposing to
    exchange places with A, and an organisation after them; State A's embargoed statement for
    the sitting."""
    from datetime import UTC, datetime

    from meetings.floor import lists, speakers, swaps
    from meetings.floor.order import Level, SpeakerKind

    found = lists.create_list(
        secretariat, meeting.id, "General debate", datetime(2018, 4, 1, tzinfo=UTC), 300
    )
    assert focal_a.focal_point_assignment
    assert focal_b.focal_point_assignment
    state_a = focal_a.focal_point_assignment.state_id
    state_b = focal_b.focal_point_assignment.state_id
    assert state_a
    assert state_b
    own = speakers.inscribe_state(focal_a, found, state_a, Level.MINISTER, None)
    other = speakers.inscribe_state(focal_b, found, state_b, Level.MINISTER, None)
    speakers.inscribe_other(secretariat, found, SpeakerKind.IGO, "African Union")
    swap = swaps.propose(focal_b, other, own)
    from meetings.floor import statements
    from meetings.floor.statement_models import StatementLanguage

    statement = statements.upload(
        focal_a,
        meeting,
        statements.delegation_for(focal_a, meeting, create=True),
        statements.StatementData(sitting.id, "", StatementLanguage.ENGLISH, embargoed=True),
        letter(),
    )
    from datetime import date, time

    from meetings.floor import side_events
    from meetings.floor.side_event_models import SlotKind
    from meetings.floor.side_event_slots import offer_slots

    slot = offer_slots(
        secretariat, meeting, SlotKind.LUNCHTIME, time(13, 15), time(14, 30), [date(2018, 6, 19)]
    )[0]
    side_event = side_events.request_side_event(
        focal_a,
        meeting,
        side_events.SideEventData(
            title="Stockpile security in the Mano River Union",
            description="A panel.",
            co_sponsors="",
            expected_audience=60,
            languages=["en", "fr"],
            accessibility="",
            preferred_slot_ids=[slot.id],
        ),
    )
    return {
        "request_id": side_event.id,
        "list_id": found.id,
        "inscription_id": own.id,
        "swap_id": swap.id,
        "statement_id": statement.id,
        "version": 1,
    }


def _attachment_of(report: Any) -> int:
    from meetings.reporting import reports

    return reports.attachments(report)[0][0].id


def build() -> World:
    state_a, state_b = state_by_code("SL"), state_by_code("KE")
    assert state_a is not None
    assert state_b is not None
    fund_admin = make_user(roles=[Role.FUND_ADMINISTRATOR])
    accounts: dict[str, User | None] = {
        "anonymous": None,
        "delegate": make_user(),
        "focal point A": make_user(roles=[Role.FOCAL_POINT], state=state_a),
        "focal point B": make_user(roles=[Role.FOCAL_POINT], state=state_b),
        "secretariat": make_user(roles=[Role.SECRETARIAT]),
        "fund administrator": fund_admin,
        "donor": make_user(),
        "administrator": make_user(roles=[Role.ADMIN]),
    }
    focal_a = accounts["focal point A"]
    assert focal_a is not None

    meeting = make_open_meeting(code=MEETING)
    room = make_room()
    sitting = make_sitting(meeting, room=room, number=1)

    participant = make_user(full_name="Aminata Kamara")
    own = register(participant, meeting, for_state("SL"))
    secretariat = accounts["secretariat"]
    assert secretariat is not None
    badges.set_photo(
        secretariat, own, read_upload(io.BytesIO(photo_bytes()), "me.jpg", field="photo")
    )
    delegation = registration.focal_point_delegation(focal_a, meeting)
    delegations.set_nomination(
        focal_a, delegation, reference="SL/1", issued_on=date(2018, 4, 20), upload=letter()
    )
    member = registration.add_member(focal_a, delegation, person(email="member@example.org"))
    transition(None, member, RegistrationStatus.ACCREDITED)
    call = make_call(meeting)
    application = apply(call, Applicant(state_a, focal_a, member.id))

    donor = make_donor(name="Kingdom of Norway", email="norway@example.org")
    donors.link_account(fund_admin, donor, make_user().email)  # the donor's own account
    other = make_donor(name="Another donor")
    donor_user = accounts["donor"]
    assert donor_user is not None
    donors.link_account(fund_admin, other, donor_user.email)
    contribution = bank_transfer(donor, actor=fund_admin)
    refund = refunds.request_refund(
        fund_admin, contribution, Money(100, "USD"), "Paid twice by mistake."
    )
    pledge = pledges.record_pledge(
        None, donor, pledges.PledgeData(amount=Money(5_000_000, "USD"), pledged_on=date(2018, 3, 1))
    )
    announcement = announcements.announce(
        None,
        announcements.AnnouncementData(
            donor_kind=DonorKind.ORGANISATION,
            contact_name="A. Donor",
            email="announcer@example.org",
            amount=Money(100_000, "USD"),
            donor_name="A foundation",
        ),
    )
    # An application with its award accepted: its page shows the travel, DSA and increase forms
    # at once (the markup walk reads it: their fields must not share ids).
    accepted = offered(apply(call, applicant(meeting, "NP")))
    WORKFLOW.move(None, accepted, ApplicationStatus.ACCEPTED)
    staged = ProgrammeImport(meeting_id=meeting.id, text="number,date\n", file_name="p.csv")
    db.session.add(staged)
    db.session.flush()
    cycle, report, need = _reporting(meeting, focal_a)
    focal_b = accounts["focal point B"]
    assert focal_b is not None
    floor = _floor(meeting, sitting, focal_a, focal_b, secretariat)
    from meetings.api import tokens

    api_token, _secret = tokens.create(focal_a, "Mission tool", ["read"], 30)
    message_id = db.session.scalar(sa.select(sa.func.min(OutboxMessage.id)))
    assert message_id is not None
    assert own.delegation_id == delegation.id
    return World(
        accounts=accounts,
        arguments={
            "code": MEETING,
            "number": sitting.number,
            "sitting_id": sitting.id,
            "room_id": room.id,
            "kind": SittingKind.PLENARY.value,
            "registration_id": own.id,
            "delegation_id": delegation.id,
            "user_id": participant.id,
            "call_id": call.id,
            "application_id": application.id,
            "name": applications.DOCUMENTS[0],
            "donor_id": donor.id,
            "year": 2018,
            "contribution_id": contribution.id,
            "refund_id": refund.id,
            "pledge_id": pledge.id,
            "announcement_id": announcement.id,
            "staged_id": staged.id,
            "message_id": message_id,
            "role": Role.SECRETARIAT.value,
            "token": "not-a-real-token",
            "filename": "css/app.css",
            "cycle_id": cycle.id,
            "report_id": report.id,
            "section_id": "coordination",
            "item_id": need,
            "attachment_id": _attachment_of(report),
            **floor,
            "token_id": api_token.id,
            "answer": "agree",
            "reply": "withdraw",
            "decision": "decline",
        },
        overrides={
            "registration.badge": {"registration_id": member.id},
            "sponsorship_manage.application": {"application_id": accepted.id},
            "reporting_focal.save_contact": {"role": "poa_point"},
        },
        body={"registration": str(own.id), "registration_id": str(own.id)},
    )
