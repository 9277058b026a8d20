"""The reporting list pages ask the database a fixed number of times: as many with 10 reports
as with 190, with one cycle as with five."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from meetings.auth.models import Role
from meetings.extensions import db
from meetings.reference.models import State, UNStatus
from meetings.reporting import contacts
from meetings.reporting.models import (
    AssistanceItem,
    AssistanceKind,
    ContactRole,
    NationalReport,
    ReportStatus,
)
from tests.factories.reporting import make_cycle
from tests.support import page_query_counts


def _reports(cycle, states: list[State]) -> None:
    """Submitted, published reports with a need and a contact, written directly (what the
    services write; the services are tested elsewhere)."""
    for state in states:
        report = NationalReport(
            cycle_id=cycle.id,
            state_id=state.id,
            version=1,
            status=ReportStatus.SUBMITTED,
            answers={},
            public=True,
            submitted_at=cycle.meeting.created_at,
        )
        db.session.add(report)
        db.session.flush()
        db.session.add(
            AssistanceItem(
                report_id=report.id,
                state_id=state.id,
                kind=AssistanceKind.NEED,
                area="stockpile",
                description=f"Storage for {state.name}",
                public=True,
            )
        )
        contacts.save(
            None, state.id, ContactRole.POA_POINT, contacts.ContactData(name="A", public=True)
        )
    db.session.commit()


def test_reporting_pages_ask_a_fixed_number_of_times(client, login, queries) -> None:
    members = db.session.scalars(
        sa.select(State).where(State.un_status == UNStatus.MEMBER).order_by(State.name)
    ).all()
    first = make_cycle()
    _reports(first, members[:10])
    login(Role.ADMIN)
    urls = [
        "/reports",
        "/secretariat/reporting",
        f"/secretariat/reporting/{first.id}",
        "/contacts",
        "/secretariat/reporting/contacts",
        "/assistance",
    ]
    small = page_query_counts(client, queries, urls)
    _reports(first, members[10:190])
    for year in (2008, 2010, 2012, 2014):
        earlier = make_cycle(
            start=date(year, 6, 16), opens=date(year, 3, 1), closes=date(year, 5, 2)
        )
        _reports(earlier, members[:50])
    large = page_query_counts(client, queries, urls)
    assert small == large, list(zip(urls, small, large, strict=True))
