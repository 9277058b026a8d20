"""The audit log: each role reads the entries of what it manages, filters, readable changes."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from flask import Flask

from meetings import clock
from meetings.audit import subjects
from meetings.audit.models import AuditEntry
from meetings.audit.services import AuditFilter, changes, list_entries, record
from meetings.auth.models import Role
from meetings.db import Base
from meetings.errors import PermissionDenied
from meetings.extensions import db
from meetings.reference.services import state_by_code
from tests.factories.auth import make_user
from tests.factories.fund import make_donor
from tests.factories.schedule import make_meeting

# Tables whose rows are never the subject of an audit entry, each for a stated reason. Any other
# table must be declared by its feature (add_subjects), so that someone decided who reads it.
NOT_AUDITED = {
    "audit_entry": "the log itself",
    "starred_sitting": "a person's own bookmarks",
    "sponsorship_call_meeting": "association table, audited through the call",
    "document": "audited through the record the document belongs to",
    "currency": "reference data, loaded by migrations",
    "state": "reference data, loaded by migrations",
    "regional_group": "reference data, loaded by migrations",
    "organisation": "reference data, loaded by migrations",
    "programme_import": "a file waiting to be confirmed; the import is audited on its meeting",
    "report_template": "reference data, loaded from its versioned file and never changed",
    "report_reminder": "the record that a reminder was sent; the mail itself is in the outbox",
    "report_attachment": "audited through the report it belongs to",
    "assistance_item": "written from a submitted report, which is audited",
    "speakers_list_sitting": "association table, audited through the list",
    "statement_file": "a statement's files, audited through the statement (uploaded, replaced)",
    "statement_uploader": "audited on the delegation (delegation.statement_uploaders)",
    "side_event_slot": "audited on the meeting (meeting.side_event_slots)",
    "side_event_preference": "association table, audited through the request",
}


def test_every_table_is_declared_to_the_audit_log_or_listed_as_never_audited(app: Flask) -> None:
    declared = set(subjects.all_subjects(app))
    tables = set(Base.metadata.tables) - {"alembic_version"}
    assert tables - declared - set(NOT_AUDITED) == set()
    assert declared & set(NOT_AUDITED) == set()
    assert declared <= tables


def _entries_of_every_kind() -> dict[str, AuditEntry]:
    """One entry about an account, a meeting and a donor (admin, secretariat and fund)."""
    person = make_user(full_name="Amina Diallo")
    meeting = make_meeting()
    donor = make_donor(name="Kingdom of Norway")
    db.session.flush()
    return {
        "user": record(None, "user.tested", person, after={"full_name": "Amina Diallo"}),
        "meeting": record(None, "meeting.tested", meeting, after={"title": "Audit"}),
        "donor": record(None, "donor.tested", donor, after={"name": "Norway"}),
    }


def _kinds(role: Role) -> set[str]:
    reader = make_user(roles=[role])
    return {entry.target_type for entry in list_entries(reader, per_page=500).items}


def test_each_role_reads_the_entries_of_what_it_manages() -> None:
    _entries_of_every_kind()
    secretariat = _kinds(Role.SECRETARIAT)
    fund = _kinds(Role.FUND_ADMINISTRATOR)
    admin = _kinds(Role.ADMIN)
    assert "meeting" in secretariat
    assert "donor" not in secretariat
    assert "user" not in secretariat
    assert "donor" in fund
    assert "meeting" not in fund
    assert "user" not in fund
    assert {"user", "meeting", "donor"} <= admin


def test_an_undeclared_kind_of_record_is_shown_to_administrators_only() -> None:
    entry = record(None, "state.tested", make_user())
    entry.target_type = "something_new"
    db.session.flush()
    assert "something_new" not in _kinds(Role.FUND_ADMINISTRATOR)
    assert "something_new" not in _kinds(Role.SECRETARIAT)
    assert "something_new" in _kinds(Role.ADMIN)


@pytest.mark.parametrize("role", [Role.DELEGATE, Role.FOCAL_POINT, Role.DONOR])
def test_roles_without_the_permission_read_nothing(role: Role) -> None:
    state = state_by_code("GH") if role is Role.FOCAL_POINT else None  # a focal point needs one
    with pytest.raises(PermissionDenied):
        list_entries(make_user(roles=[role], state=state))


def test_filters_by_person_kind_and_day() -> None:
    admin = make_user(roles=[Role.ADMIN], full_name="Ops Person", email="ops@example.org")
    meeting = make_meeting(code="AUD2")
    with clock.standing_at(datetime(2018, 3, 19, 12, tzinfo=UTC)):
        early = record(admin, "meeting.tested", meeting)
    with clock.standing_at(datetime(2018, 6, 18, 23, 59, tzinfo=UTC)):
        late = record(None, "meeting.tested", meeting)
        donor_entry = record(admin, "donor.tested", make_donor())
    db.session.flush()

    def ids(**kwargs: object) -> set[int]:
        page = list_entries(admin, AuditFilter(**kwargs), per_page=500)  # type: ignore[arg-type]
        return {entry.id for entry in page.items}

    assert ids(who="OPS p") >= {early.id, donor_entry.id}
    assert late.id not in ids(who="ops p")
    assert ids(who="ops@example") >= {early.id}
    assert donor_entry.id not in ids(kind="meeting")
    assert early.id in ids(kind="meeting")
    june = ids(since=date(2018, 6, 18), until=date(2018, 6, 18))
    assert late.id in june
    assert donor_entry.id in june
    assert early.id not in june
    assert early.id not in ids(since=date(2018, 6, 1))
    assert early.id in ids(until=date(2018, 3, 19))


def test_changes_list_only_the_fields_that_differ() -> None:
    entry = AuditEntry(
        before={"status": "submitted", "note": "same", "cap": 3},
        after={"status": "approved", "note": "same", "new_field": [1, 2]},
    )
    rows = [(c.field, c.before, c.after) for c in changes(entry)]
    assert rows == [
        ("status", "submitted", "approved"),
        ("cap", 3, None),
        ("new field", None, [1, 2]),
    ]
    created = AuditEntry(before=None, after={"title": "Audit", "days": 5})
    assert [(c.field, c.after) for c in changes(created)] == [("title", "Audit"), ("days", 5)]
    assert changes(AuditEntry(before=None, after=None)) == []


def test_the_page_filters_links_records_and_shows_changes(client, login) -> None:
    login(Role.ADMIN)
    meeting = make_meeting(code="AUD3")
    record(None, "meeting.updated", meeting, before={"title": "Old"}, after={"title": "New"})
    db.session.commit()
    page = client.get("/admin/audit?kind=meeting").get_data(as_text=True)
    assert 'href="/secretariat/meetings/AUD3"' in page
    assert (
        '<th scope="row"><code>title</code></th><td><code>Old</code></td><td><code>New</code></td>'
        in page
    )
    assert 'id="who"' in page
    assert 'name="since"' in page


def test_a_bad_date_is_explained_beside_its_field_and_the_filter_kept(client, login) -> None:
    login(Role.SECRETARIAT)
    response = client.get("/admin/audit?since=2018-13-45&who=someone&until=9999-01-01")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="since-error"' in page
    assert 'id="until-error"' in page
    assert "Enter a date between 1900 and 2999." in page
    assert 'value="someone"' in page


def test_the_fund_administrator_is_not_offered_kinds_it_cannot_read(client, login) -> None:
    login(Role.FUND_ADMINISTRATOR)
    page = client.get("/admin/audit").get_data(as_text=True)
    assert 'value="donor"' in page
    assert 'value="registration"' not in page
    assert 'value="user"' not in page
    # Asking for a kind outside the reader's scope shows nothing of it.
    _entries_of_every_kind()
    db.session.commit()
    other = client.get("/admin/audit?kind=user").get_data(as_text=True)
    assert "Amina Diallo" not in other.split("<tbody>")[1]


def test_the_page_costs_the_same_queries_for_ten_or_two_hundred_entries(
    client, login, queries
) -> None:
    login(Role.ADMIN)

    def cost(entries: int) -> int:
        for _ in range(entries):
            _entries_of_every_kind()
        db.session.commit()
        with queries() as counted:
            assert client.get("/admin/audit").status_code == 200
        return counted.count

    small = cost(4)
    assert cost(70) == small
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) >= 200
