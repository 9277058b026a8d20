"""What each person finds on arriving: open meetings on the home page, what waits for a focal
point, no dead ends in the navigation, an empty fund that says what it is for."""

from __future__ import annotations

from datetime import date

import pytest

from meetings import clock
from meetings.auth.models import Role
from meetings.extensions import db
from meetings.reference.services import state_by_code
from meetings.registration import invitations, services
from meetings.registration.models import DelegationRole
from meetings.schedule.models import MeetingState
from meetings.schedule.services import change_meeting_state
from tests.factories.auth import make_user
from tests.factories.registration import DURING_REGISTRATION, make_open_meeting, register
from tests.factories.schedule import make_meeting


def _conclude(meeting) -> None:
    for state in ("registration_open", "registration_closed", "in_session", "concluded"):
        change_meeting_state(None, meeting, MeetingState(state))


@pytest.fixture(autouse=True)
def _during_registration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: DURING_REGISTRATION)


def test_the_home_page_leads_with_the_meetings_open_for_registration(client) -> None:
    make_open_meeting(code="OPEN-1")
    make_meeting(code="LATER-1", start=date(2019, 6, 1), end=date(2019, 6, 5), registration=None)
    old = make_meeting(
        code="OLD-1", start=date(2017, 3, 1), end=date(2017, 3, 3), registration=None
    )
    _conclude(old)
    db.session.commit()
    page = client.get("/").get_data(as_text=True)
    open_part, rest = page.split("Other meetings")
    assert "Registration open now" in open_part
    assert 'href="/meetings/OPEN-1/register"' in open_part
    assert "LATER-1" in rest.split("Concluded meetings")[0]
    assert "OLD-1" in rest.split("Concluded meetings")[1]
    assert "/meetings/OLD-1/register" not in page
    listing = client.get("/meetings").get_data(as_text=True)
    assert "Registration open" in listing
    assert "Concluded" in listing
    assert 'href="/meetings/OPEN-1/register"' in listing


def test_a_focal_point_sees_what_waits_for_them(client, login) -> None:
    meeting = make_open_meeting(code="TODO-1")
    focal_point = make_user(roles=[Role.FOCAL_POINT], state=state_by_code("GH"))
    delegation = services.focal_point_delegation(focal_point, meeting)
    for _ in range(3):
        register(make_user(), meeting)  # Ghana: submitted, waiting for approval
    register(make_user(), meeting, submit=False)  # a draft is not theirs to approve
    invitations.invite(
        focal_point, delegation, email="later@example.org", role=DelegationRole.ADVISER
    )
    concluded = make_meeting(
        code="DONE-1", start=date(2017, 3, 1), end=date(2017, 3, 3), registration=None
    )
    _conclude(concluded)
    db.session.commit()
    login(focal_point)
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "Waiting for you" in dashboard
    assert "3 registrations await your approval" in dashboard
    assert "1 invitation not answered yet" in dashboard
    page = client.get(f"/delegations/{delegation.id}").get_data(as_text=True)
    assert "3 registrations await your approval" in page.split('id="members"')[0]
    index = client.get("/delegations").get_data(as_text=True)
    assert "DONE-1" not in index  # no delegation is opened for a concluded meeting
    assert "/meetings/DONE-1/delegation" not in index


def test_the_dashboard_names_the_participant_of_each_registration(client, login) -> None:
    user = login(Role.DELEGATE)
    register(user, make_open_meeting(), given_names="Amina", family_name="Diallo")
    db.session.commit()
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Ms. Amina Diallo" in page.split("Your registrations")[1]


def test_an_administrator_has_no_dead_focal_point_links(client, login) -> None:
    login(Role.ADMIN)
    navigation = client.get("/dashboard").get_data(as_text=True).split("</nav>")[0]
    assert "My delegation" not in navigation
    assert "Apply for sponsorship" not in navigation
    login(Role.FOCAL_POINT, state=state_by_code("GH"))
    navigation = client.get("/dashboard").get_data(as_text=True).split("</nav>")[0]
    assert "My delegation" in navigation
    assert "Apply for sponsorship" in navigation


def test_an_empty_fund_says_what_its_administrator_will_do_here(client, login) -> None:
    login(Role.FUND_ADMINISTRATOR)
    page = client.get("/fund").get_data(as_text=True)
    assert "The fund has received nothing yet" in page
    assert "never against pledges" in page


def test_registration_statistics_page_shows_check_ins_by_day(client, login) -> None:
    from meetings.reference.models import OrganisationKind
    from meetings.registration import delegations

    meeting = make_open_meeting(code="STAT-1")
    delegations.set_cap(None, meeting, OrganisationKind.NGO, 3)
    db.session.commit()
    login(Role.SECRETARIAT)
    page = client.get("/secretariat/meetings/STAT-1/statistics").get_data(as_text=True)
    assert "Checked in, by day (America/New_York)" in page
    assert "Nobody has checked in yet." in page
    assert "Non-governmental organization: 3" in page  # caps in words, not "ngo"
