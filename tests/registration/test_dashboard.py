"""The secretariat's dashboard: the work waiting, per meeting not concluded."""

from __future__ import annotations

from meetings.auth.models import Role


def test_the_secretariat_dashboard_shows_the_work_waiting(client, login) -> None:
    from meetings.auth.models import Role
    from meetings.extensions import db
    from meetings.registration.models import RegistrationStatus
    from meetings.registration.workflow import transition
    from tests.factories.auth import make_user
    from tests.factories.registration import make_open_meeting, register

    meeting = make_open_meeting()
    submitted = register(make_user(), meeting)
    approved = register(make_user(), meeting)
    transition(None, approved, RegistrationStatus.APPROVED)
    accredited = register(make_user(), meeting)
    transition(None, accredited, RegistrationStatus.APPROVED)
    transition(None, accredited, RegistrationStatus.ACCREDITED)
    assert submitted.status is RegistrationStatus.SUBMITTED
    db.session.commit()
    login(Role.SECRETARIAT)
    html = client.get("/dashboard").get_data(as_text=True)
    assert "Waiting for the secretariat" in html
    assert "1 registration submitted, waiting for a first approval" in html
    assert f"meeting={meeting.id}&amp;status=approved" in html
    assert "1 registration to accredit" in html
    assert "1 pass to print" in html
    login(Role.DELEGATE)
    assert "Waiting for the secretariat" not in client.get("/dashboard").get_data(as_text=True)


def test_the_registrations_list_opens_on_the_current_meeting(client, login) -> None:
    from meetings.extensions import db
    from meetings.schedule import services
    from meetings.schedule.models import MeetingState
    from tests.factories.auth import make_user
    from tests.factories.registration import make_open_meeting, register

    old, current = make_open_meeting(), make_open_meeting()
    earlier = register(make_user(), old)
    now_on = register(make_user(), current)
    for state in (
        MeetingState.REGISTRATION_CLOSED,
        MeetingState.IN_SESSION,
        MeetingState.CONCLUDED,
    ):
        services.change_meeting_state(None, old, state)
    db.session.commit()
    login(Role.SECRETARIAT)
    html = client.get("/secretariat/registrations").get_data(as_text=True)
    assert now_on.family_name.upper() in html
    assert earlier.family_name.upper() not in html
    assert f'<option value="{current.id}" selected>' in html
    everything = client.get("/secretariat/registrations?meeting=all").get_data(as_text=True)
    assert earlier.family_name.upper() in everything
