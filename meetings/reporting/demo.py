"""Demo national reports, made through the services: the 2018 cycle of the Third Review
Conference with an illustrative spread of submitted, drafted and missing reports across the
regional groups (the clock standing in April 2018), Sierra Leone among those that reported; and
a cycle open today for the demonstration's Biennial Meeting, in which Sierra Leone's focal point
(focalpoint@example.org) has a draft to finish, carried forward from its 2018 report. Every
answer, contact and need is illustrative."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from meetings import clock
from meetings.auth.demo import demo_focal_point
from meetings.auth.models import Role, User
from meetings.extensions import db
from meetings.reference.models import State, UNStatus
from meetings.reference.services import state_by_code
from meetings.registration.demo import DEMO_MEETING
from meetings.reporting import cycles, reports
from meetings.reporting.models import Instruments, ReportingCycle
from meetings.reporting.template_files import latest, load_templates
from meetings.schedule import services as schedule

REVCON = "POA-REVCON3"
APRIL = datetime(2018, 4, 16, 14, 0, tzinfo=UTC)
NEEDS = (
    (
        "stockpile",
        "need",
        "Illustrative: secure storage and inventory software for two armouries",
        "85000",
    ),
    (
        "marking",
        "need",
        "Illustrative: two marking machines and training for their operators",
        "42000",
    ),
    (
        "destruction",
        "need",
        "Illustrative: destruction of 3,000 surplus weapons collected in 2017",
        "60000",
    ),
    (
        "training",
        "offer",
        "Illustrative: courses in record-keeping for customs and police officers",
        "",
    ),
    ("border", "offer", "Illustrative: detection equipment and training at land borders", ""),
)


def _answers(state: State, number: int) -> dict[str, dict[str, str]]:
    contact = {
        "name": f"Illustrative contact of {state.name}",
        "function": "Director, national commission on small arms",
        "organisation": f"National commission on small arms of {state.name}",
        "address": f"Capital of {state.name}",
        "phone": "+1 212 555 0100",
        "email": f"npc-{state.alpha2.lower()}@example.org",
        "languages": "English",
    }
    need = NEEDS[number % len(NEEDS)]
    return {
        "coordination": {
            "coordination.agency": "yes",
            "coordination.agency_name": "Illustrative: an inter-ministerial commission",
            "coordination.action_plan": ("in_force", "in_preparation", "none")[number % 3],
        },
        "contacts": {
            **{f"contacts.poa_point.{k}": v for k, v in contact.items()},
            **{f"contacts.poa_agency.{k}": v for k, v in contact.items()},
            **{f"contacts.iti_point.{k}": v for k, v in contact.items()},
        },
        "manufacture": {"manufacture.licensed": "yes"},
        "records": {"records.years_kept": str(10 + number % 20)},
        "transfers": {
            "transfers.end_user": "yes",
            "transfers.brokering": ("yes", "no")[number % 2],
        },
        "stockpiles": {"stockpiles.standards": ("all", "some")[number % 2]},
        "destruction": {
            "destruction.destroyed.0.type": "Rifles and carbines",
            "destruction.destroyed.0.year": "2017",
            "destruction.destroyed.0.quantity": str(200 + 37 * number),
        },
        "assistance": {
            "assistance.items.0.area": need[0],
            "assistance.items.0.kind": need[1],
            "assistance.items.0.description": f"Illustrative: {need[2]}",
            "assistance.items.0.cost": need[3],
        },
        "iti_marking": {"iti_marking.import_marking": ("yes", "no")[number % 2]},
    }


def _focal_point(state: State, users: dict[Role, User]) -> User:
    """The demo's focal point (focalpoint@example.org) for its State, else one made for the
    State."""
    demo = users.get(Role.FOCAL_POINT)
    assignment = demo.focal_point_assignment if demo is not None else None
    if demo is not None and assignment is not None and assignment.state_id == state.id:
        return demo
    return demo_focal_point(state)


def _fill(actor: User, report: object, answers: dict[str, dict[str, str]]) -> None:
    for section, form in answers.items():
        reports.save_section(actor, report, section, form)  # type: ignore[arg-type]


def seed_reporting(users: dict[Role, User]) -> None:
    load_templates()
    template = latest()
    if template is None:
        return
    revcon = schedule.meeting_with_code(REVCON)
    if (
        revcon is not None
        and db.session.scalar(
            sa.select(ReportingCycle.id).where(ReportingCycle.meeting_id == revcon.id)
        )
        is None
    ):
        _revcon_cycle(revcon.id, template.id, users)
    demo = schedule.meeting_with_code(DEMO_MEETING)
    if (
        demo is not None
        and db.session.scalar(
            sa.select(ReportingCycle.id).where(ReportingCycle.meeting_id == demo.id)
        )
        is None
    ):
        _open_cycle(demo, template.id, users)


def _revcon_cycle(meeting_id: int, template_id: int, users: dict[Role, User]) -> None:
    with clock.standing_at(datetime(2018, 2, 1, 12, tzinfo=UTC)):
        cycle = cycles.create_cycle(
            None,
            cycles.CycleData(
                meeting_id=meeting_id,
                template_id=template_id,
                instruments=Instruments.BOTH,
                opens_on=date(2018, 2, 1),
                closes_on=date(2018, 5, 4),
            ),
        )
    members = db.session.scalars(
        sa.select(State).where(State.un_status == UNStatus.MEMBER).order_by(State.name)
    ).all()
    # One Member State in five reported, one in eleven left a draft: the spread differs by group.
    sierra_leone = state_by_code("SL")
    assert sierra_leone is not None
    chosen = {sierra_leone.id} | {s.id for i, s in enumerate(members) if i % 5 == 0}
    drafting = {s.id for i, s in enumerate(members) if i % 11 == 3} - chosen
    with clock.standing_at(APRIL):
        for number, state in enumerate(members):
            if state.id not in chosen | drafting:
                continue
            actor = _focal_point(state, users)
            report = reports.start(actor, cycle)
            answers = _answers(state, number)
            if state.id in drafting:
                _fill(actor, report, {"coordination": answers["coordination"]})
                continue
            _fill(actor, report, answers)
            reports.set_choices(actor, report, public=number % 3 != 1, contacts_to_directory=True)
            reports.submit(actor, report)
    db.session.flush()


def _open_cycle(meeting: object, template_id: int, users: dict[Role, User]) -> None:
    today = clock.now().date()
    start = meeting.start_date  # type: ignore[attr-defined]
    cycle = cycles.create_cycle(
        None,
        cycles.CycleData(
            meeting_id=meeting.id,  # type: ignore[attr-defined]
            template_id=template_id,
            instruments=Instruments.POA,
            opens_on=today - timedelta(days=14),
            closes_on=max(today + timedelta(days=7), start - timedelta(weeks=4)),
        ),
    )
    sierra_leone = state_by_code("SL")
    assert sierra_leone is not None
    actor = _focal_point(sierra_leone, users)
    # Nothing new since 2018: the draft starts from that report, to be checked and submitted.
    reports.start(actor, cycle, nothing_new=True)
    db.session.flush()
