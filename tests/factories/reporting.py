"""Reporting cycles, focal points and answers for the national reporting tests."""

from __future__ import annotations

from datetime import date
from typing import Any

from meetings.auth.models import Role, User
from meetings.reference.services import state_by_code
from meetings.reporting import cycles
from meetings.reporting.models import Instruments, ReportingCycle
from meetings.reporting.template_files import latest, load_templates
from tests.factories.auth import make_user
from tests.factories.schedule import make_meeting

# The Third Review Conference (18–29 June 2018): reports open on 1 March, close on 4 May.
OPENS, CLOSES = date(2018, 3, 1), date(2018, 5, 4)


def make_cycle(
    *,
    start: date = date(2018, 6, 18),
    opens: date = OPENS,
    closes: date = CLOSES,
    instruments: Instruments = Instruments.BOTH,
    reminders: tuple[int, ...] = (28, 7),
) -> ReportingCycle:
    load_templates()
    template = latest()
    assert template is not None
    meeting = make_meeting(
        start=start, end=start.replace(day=min(start.day + 11, 28)), registration=None
    )
    return cycles.create_cycle(
        None,
        cycles.CycleData(
            meeting_id=meeting.id,
            template_id=template.id,
            instruments=instruments,
            opens_on=opens,
            closes_on=closes,
            reminder_days=list(reminders),
        ),
    )


def focal_point(code: str = "SL") -> User:
    return make_user(roles=[Role.FOCAL_POINT], state=state_by_code(code))


CONTACT = {
    "name": "Ibrahim Kamara",
    "function": "Director",
    "organisation": "National Commission on Small Arms",
    "address": "Freetown",
    "phone": "+232 22 000000",
    "email": "npc@example.org",
    "languages": "English",
}


def contact_form(question: str, **changes: str) -> dict[str, str]:
    values = CONTACT | changes
    return {f"{question}.{field}": value for field, value in values.items()}


def complete_answers() -> dict[str, dict[str, str]]:
    """Each section's form, filled with every required answer."""
    return {
        "coordination": {"coordination.agency": "yes", "coordination.action_plan": "in_force"},
        "contacts": {
            **contact_form("contacts.poa_point"),
            **contact_form("contacts.poa_agency", name="Fatmata Sesay"),
            **contact_form("contacts.iti_point", name="Mohamed Bangura"),
        },
        "manufacture": {"manufacture.licensed": "yes"},
        "transfers": {"transfers.end_user": "yes"},
        "stockpiles": {"stockpiles.standards": "some"},
        "iti_marking": {"iti_marking.import_marking": "no"},
    }


def fill(actor: User, report: Any, sections: dict[str, dict[str, str]] | None = None) -> None:
    from meetings.reporting import reports

    for section, form in (sections or complete_answers()).items():
        reports.save_section(actor, report, section, form)
