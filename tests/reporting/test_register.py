"""What submitted reports feed: the register of assistance needs and offers, the directory of
national points of contact, and the reminders (each sent once, even by two workers at once)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from meetings.auth.models import Role
from meetings.errors import DomainError, NotFound, PermissionDenied
from meetings.extensions import db
from meetings.reference.services import state_by_code
from meetings.reporting import assistance, contacts, reminders, reports
from meetings.reporting.models import AssistanceKind, ContactRole, ReportReminder
from tests.factories.auth import make_user
from tests.factories.reporting import fill, focal_point, make_cycle
from tests.support.concurrency import race

NEED = {
    "assistance.items.0.kind": "need",
    "assistance.items.0.area": "stockpile",
    "assistance.items.0.description": "Secure storage for two armouries",
    "assistance.items.0.cost": "120000",
    "assistance.items.1.kind": "offer",
    "assistance.items.1.area": "training",
    "assistance.items.1.description": "Courses in marking for customs officers",
}


def _submitted(code: str = "SL", *, public: bool = False, agree: bool = True, cycle=None):
    cycle = cycle or make_cycle()
    actor = focal_point(code)
    report = reports.start(actor, cycle)
    fill(actor, report)
    reports.save_section(actor, report, "assistance", NEED)
    reports.set_choices(actor, report, public=public, contacts_to_directory=agree)
    reports.submit(actor, report)
    return cycle, actor, report


def test_needs_of_a_confidential_report_are_for_the_secretariat_only() -> None:
    _cycle, _actor, report = _submitted()
    donor = make_user(roles=[Role.DONOR])
    secretariat = make_user(roles=[Role.SECRETARIAT])
    assert assistance.search(donor, assistance.Filters()) == []
    needs = assistance.search(secretariat, assistance.Filters())
    assert [(n.state_id, n.kind, n.area, n.estimated_cost_minor) for n in needs] == [
        (report.state_id, AssistanceKind.NEED, "stockpile", 12_000_000)
    ]
    with pytest.raises(PermissionDenied):
        assistance.search(make_user(roles=[Role.DELEGATE]), assistance.Filters())


def test_donors_find_published_needs_by_area_and_region_and_see_who_offers_alike() -> None:
    cycle, _actor, _report = _submitted(public=True)
    _submitted("GH", public=True, cycle=cycle)
    donor = make_user(roles=[Role.DONOR])
    africa = state_by_code("SL").regional_group_id
    found = assistance.search(donor, assistance.Filters(area="stockpile", region_id=africa))
    assert {item.state.alpha2 for item in found} == {"SL", "GH"}
    assert assistance.search(donor, assistance.Filters(area="border")) == []
    assert assistance.search(donor, assistance.Filters(state_id=state_by_code("GH").id))
    offers = assistance.offers_by_area(donor)
    assert offers["training"] == sorted([state_by_code("GH").name, state_by_code("SL").name])


def test_a_correction_replaces_the_needs_of_the_version_it_corrects() -> None:
    cycle, actor, _report = _submitted(public=True)
    correction = reports.start(actor, cycle)
    reports.save_section(
        actor,
        correction,
        "assistance",
        {k.replace("stockpile", "border"): v for k, v in NEED.items()}
        | {"assistance.items.0.area": "border"},
    )
    reports.submit(actor, correction)
    donor = make_user(roles=[Role.DONOR])
    assert [n.area for n in assistance.search(donor, assistance.Filters())] == ["border"]


def test_interest_is_shown_in_a_need_once_and_the_state_sees_it() -> None:
    _cycle, actor, report = _submitted(public=True)
    donor = make_user(roles=[Role.DONOR])
    need = assistance.search(donor, assistance.Filters())[0]
    offer = assistance.search(donor, assistance.Filters(kind=AssistanceKind.OFFER))[0]
    assistance.mark_interest(donor, need.id, "We fund storage projects")
    with pytest.raises(DomainError, match="already"):
        assistance.mark_interest(donor, need.id)
    with pytest.raises(DomainError, match="not in an offer"):
        assistance.mark_interest(donor, offer.id)
    with pytest.raises(PermissionDenied):
        assistance.mark_interest(make_user(roles=[Role.DELEGATE]), need.id)
    seen = assistance.interests_in_my_needs(actor, report.state_id)
    assert [(item.id, interest.note, person.id) for item, interest, person in seen] == [
        (need.id, "We fund storage projects", donor.id)
    ]
    with pytest.raises(PermissionDenied):
        assistance.interests_in_my_needs(focal_point("GH"), report.state_id)


def test_a_hidden_need_cannot_be_marked_by_guessing_its_number() -> None:
    _submitted()  # confidential
    item_id = db.session.scalar(sa.text("SELECT max(id) FROM assistance_item WHERE kind = 'need'"))
    with pytest.raises(NotFound):
        assistance.mark_interest(make_user(roles=[Role.DONOR]), item_id)


def test_contacts_of_a_report_fill_the_directory_when_the_state_agrees() -> None:
    _cycle, actor, report = _submitted(agree=True)
    kept = contacts.directory(actor, state_id=report.state_id)
    assert {c.role for c in kept} == set(ContactRole)
    assert not any(c.public for c in kept)  # the report is confidential: so are they
    assert contacts.directory(None) == []
    secretariat = make_user(roles=[Role.SECRETARIAT])
    assert len(contacts.directory(secretariat)) == 3
    _cycle2, other, report2 = _submitted("GH", agree=False)
    assert contacts.directory(other, state_id=report2.state_id) == []


def test_only_the_state_s_focal_point_keeps_its_contacts_and_every_change_is_dated() -> None:
    actor = focal_point()
    sierra_leone = state_by_code("SL").id
    data = contacts.ContactData(name="Ibrahim Kamara", email="npc@example.org", public=True)
    contact = contacts.save(actor, sierra_leone, ContactRole.POA_POINT, data)
    assert contacts.directory(None)[0].name == "Ibrahim Kamara"
    with pytest.raises(PermissionDenied):
        contacts.save(focal_point("GH"), sierra_leone, ContactRole.POA_POINT, data)
    with pytest.raises(DomainError) as caught:
        contacts.save(actor, sierra_leone, ContactRole.POA_POINT, contacts.ContactData(name=" "))
    assert caught.value.field == "name"
    assert contact.confirmed_at is not None


def test_a_contact_unconfirmed_for_a_year_is_due_a_reminder_once_a_month(now, outbox) -> None:
    actor = focal_point()
    contacts.save(
        actor, state_by_code("SL").id, ContactRole.POA_POINT, contacts.ContactData(name="A")
    )
    now(datetime(2019, 4, 3, 12, tzinfo=UTC))
    assert reminders.remind_contacts() == 1
    assert reminders.remind_contacts() == 0  # not again this month
    db.session.commit()
    assert [m["To"] for m in outbox] == [actor.email]


@pytest.mark.parametrize(
    ("today", "due"),
    [
        (date(2018, 4, 5), None),  # 29 days before the close
        (date(2018, 4, 6), 28),
        (date(2018, 4, 27), 7),
        (date(2018, 5, 1), 7),  # the nearest one reached; the earlier is not sent late
        (date(2018, 5, 5), None),  # closed
    ],
)
def test_the_reminder_due_is_the_nearest_day_reached(today, due) -> None:
    cycle = make_cycle()
    assert reminders.due_day(cycle, today) == due


def test_states_without_a_report_are_reminded_once_per_reminder(now, outbox) -> None:
    _cycle, _actor, _report = _submitted("GH")
    sierra_leone = focal_point("SL")  # the only other State with a focal point to write to
    db.session.commit()
    outbox.clear()  # Ghana's confirmation
    now(datetime(2018, 4, 6, 14, tzinfo=UTC))
    assert reminders.send_due() == 1
    assert reminders.send_due() == 0
    db.session.commit()
    assert [m["To"] for m in outbox] == [sierra_leone.email]
    assert "18:00" in outbox[0].get_content()
    now(datetime(2018, 4, 28, 14, tzinfo=UTC))
    assert reminders.send_due() == 1  # the one-week reminder


@pytest.mark.concurrency
def test_two_workers_send_each_reminder_once(committed, now) -> None:
    cycle = make_cycle()
    for code in ("SL", "GH", "NG"):
        focal_point(code)
    db.session.commit()
    now(datetime(2018, 4, 6, 14, tzinfo=UTC))
    counts: list[int] = []
    outcomes = race(committed, [lambda: counts.append(reminders.send_due()) for _ in range(2)])
    assert outcomes == ["ok", "ok"]
    assert sum(counts) == 3
    rows = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(ReportReminder)
        .where(ReportReminder.cycle_id == cycle.id)
    )
    assert rows == 3
    queued = db.session.scalar(sa.text("SELECT count(*) FROM outbox_message"))
    assert queued == 3
