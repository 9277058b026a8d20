"""Demo registrations: a meeting open for registration now, and the accredited participants of
the 2018 Review Conference, built through the services."""

from __future__ import annotations

import itertools
from datetime import timedelta

from meetings import clock
from meetings.auth.models import Role, User
from meetings.extensions import db
from meetings.reference import services as reference
from meetings.reference.models import OrganisationKind
from meetings.registration import delegations, services
from meetings.registration.models import (
    BasedIn,
    Delegation,
    DelegationRole,
    Gender,
    ParticipantCategory,
    Registration,
    RegistrationStatus,
)
from meetings.registration.queries import has_registrations
from meetings.registration.workflow import transition
from meetings.schedule import rooms
from meetings.schedule import services as schedule
from meetings.schedule.demo import AFTERNOON, HQ, MORNING, POA_TITLE, ZONE, weekdays
from meetings.schedule.demo_titles import TITLES as OFFICIAL_TITLES
from meetings.schedule.models import MeetingFormat, MeetingKind, MeetingState, SittingKind
from meetings.schedule.sittings import SittingData, schedule_sitting

DEMO_MEETING = "POA-BMS-DEMO"
GIVEN_FEMALE = ("Amina", "Mei", "Olga", "Sofia", "Fatou", "Aiko", "Ingrid", "Leila", "Nadia")
GIVEN_MALE = ("Carlos", "Kwame", "Rahul", "Lucas", "Tariq", "Mateo", "Jonas", "Samuel", "Kofi")
FAMILY = (
    "Diallo",
    "Mendes",
    "Chen",
    "Ivanova",
    "Mensah",
    "Rossi",
    "Sharma",
    "Ndiaye",
    "Fischer",
    "Tanaka",
    "Haddad",
    "Larsen",
    "Vargas",
    "Karimi",
    "Berg",
    "Okafor",
    "Silva",
    "Novak",
)
TITLES = (
    "Counsellor",
    "First Secretary",
    "Director, Arms Control",
    "Second Secretary",
    "Senior Adviser",
    "Programme Officer",
)
STATES = ("GHA", "MEX", "DEU", "JPN", "KEN", "BRA", "NOR", "PHL", "SEN", "COL", "AUS", "IND")
ORGANISATIONS = ("INTERPOL", "UNODA", "IANSA", "Small Arms Survey")

_names = itertools.count()


def _person(
    role: DelegationRole, email_domain: str, consent: bool = True
) -> services.ParticipantData:
    n = next(_names)
    gender = Gender.FEMALE if n % 2 == 0 else Gender.MALE
    names = GIVEN_FEMALE if gender is Gender.FEMALE else GIVEN_MALE
    given, family = names[(n // 2) % len(names)], FAMILY[(n * 7) % len(FAMILY)]
    return services.ParticipantData(
        role=role,
        courtesy_title="Ms." if gender is Gender.FEMALE else "Mr.",
        given_names=given,
        family_name=family,
        functional_title=TITLES[n % len(TITLES)],
        gender=gender,
        email=f"{given}.{family}.{n}@{email_domain}".lower(),
        phone="",
        based_in=BasedIn.MISSION if n % 3 else BasedIn.CAPITAL,
        consent_to_publish=consent,
    )


def _affiliation(code: str) -> services.Affiliation:
    state = reference.state_by_code(code)
    if state is not None:
        return services.Affiliation(ParticipantCategory.MEMBER_STATE, state_id=state.id)
    organisation = next(o for o in reference.organisations() if o.acronym == code or o.name == code)
    category = {
        OrganisationKind.IGO: ParticipantCategory.IGO,
        OrganisationKind.UN_ENTITY: ParticipantCategory.UN_ENTITY,
        OrganisationKind.NGO: ParticipantCategory.NGO,
        OrganisationKind.MEDIA: ParticipantCategory.MEDIA,
    }[organisation.kind]
    return services.Affiliation(category, organisation_id=organisation.id)


def _participants_of_revcon() -> None:
    meeting = schedule.meeting_with_code("POA-REVCON3")
    if meeting is None or has_registrations(meeting):
        return
    for code in (*STATES, *ORGANISATIONS):
        size = 3 if len(code) == 3 else 2
        for index in range(size):
            role = DelegationRole.ALTERNATE if index == 1 else DelegationRole.ADVISER
            if len(code) != 3:
                role = DelegationRole.REPRESENTATIVE
            registration = services.register_late(
                None,
                meeting,
                _affiliation(code),
                _person(role, "example.org", consent=index < 2),
                reason="Demonstration data",
            )
            transition(None, registration, RegistrationStatus.APPROVED)
            transition(None, registration, RegistrationStatus.ACCREDITED)
            if index == 0 and len(code) == 3:
                _name_head(registration)


def _name_head(registration: Registration) -> None:
    """One person heads each delegation: named, as a focal point does, never chosen."""
    delegation = db.session.get(Delegation, registration.delegation_id)
    assert delegation is not None
    delegations.name_head(None, delegation, registration)


def _open_meeting(users: dict[Role, User]) -> None:
    if schedule.meeting_with_code(DEMO_MEETING) is not None:
        return
    today = clock.now().date()
    start = today + timedelta(days=60 - today.weekday())  # a Monday about two months ahead
    process = schedule.get_or_create_process(
        None, code="POA", title=POA_TITLE, titles=OFFICIAL_TITLES["POA"]
    )
    meeting = schedule.create_meeting(
        None,
        schedule.MeetingData(
            process_id=process.id,
            code=DEMO_MEETING,
            title="Biennial Meeting of States on the Programme of Action (demonstration)",
            titles=OFFICIAL_TITLES[DEMO_MEETING],
            kind=MeetingKind.BIENNIAL_MEETING,
            venue=HQ,
            timezone=ZONE,
            start_date=start,
            end_date=start + timedelta(days=4),
            format=MeetingFormat.HYBRID,
            registration_opens_on=today - timedelta(days=7),
            registration_deadline=start - timedelta(days=14),
        ),
    )
    room = next(r for r in rooms.rooms() if r.name == "Conference Room 4")
    number = 0
    for day in weekdays(meeting.start_date, meeting.end_date):
        for slot in (MORNING, AFTERNOON):
            number += 1
            schedule_sitting(
                None,
                meeting,
                SittingData(
                    kind=SittingKind.PLENARY,
                    title=f"Plenary meeting {number}",
                    day=day,
                    start=slot[0],
                    end=slot[1],
                    room_id=room.id,
                    agenda_items="General exchange of views" if number > 1 else "Opening",
                ),
            )
    schedule.change_meeting_state(None, meeting, MeetingState.REGISTRATION_OPEN)
    schedule.set_published(None, meeting, True)
    delegations.set_cap(None, meeting, OrganisationKind.NGO, 3)

    # Sierra Leone: the demo focal point's delegation, with a nomination and one member approved.
    focal_point = users[Role.FOCAL_POINT]
    delegation = services.focal_point_delegation(focal_point, meeting)
    head = services.add_member(
        focal_point, delegation, _person(DelegationRole.ADVISER, "gov.sl.example")
    )
    _name_head(head)
    # The demo delegate has registered for Sierra Leone and waits for the focal point's approval.
    delegate = users[Role.DELEGATE]
    sierra_leone = reference.state_by_code("SLE")
    assert sierra_leone is not None
    services.register_late(
        None,
        meeting,
        services.Affiliation(ParticipantCategory.MEMBER_STATE, state_id=sierra_leone.id),
        services.ParticipantData(
            role=DelegationRole.ADVISER,
            courtesy_title="Ms.",
            given_names="Dana",
            family_name="Delegate",
            functional_title="Adviser, Ministry of Foreign Affairs",
            gender=Gender.FEMALE,
            email=delegate.email,
            phone="+232 00 000 000",
            based_in=BasedIn.CAPITAL,
            consent_to_publish=True,
        ),
        reason="",
    )
    # A few others, in every state of the workflow.
    for code in ("GHA", "MEX", "IANSA"):
        registration = services.register_late(
            None,
            meeting,
            _affiliation(code),
            _person(
                DelegationRole.REPRESENTATIVE if code == "IANSA" else DelegationRole.ADVISER,
                "example.org",
            ),
            reason="",
        )
        transition(None, registration, RegistrationStatus.APPROVED)
        if code != "MEX":
            transition(None, registration, RegistrationStatus.ACCREDITED)
        if code != "IANSA":
            _name_head(registration)


def seed_registration(users: dict[Role, User]) -> None:
    _participants_of_revcon()
    _open_meeting(users)
