from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time

import pytest

from meetings.auth.models import Role
from meetings.errors import DomainError, NotFound, PermissionDenied
from meetings.schedule import services
from meetings.schedule.models import MeetingState
from tests.factories.auth import make_user
from tests.factories.schedule import make_meeting, make_sitting


def _states_path(target: MeetingState) -> list[MeetingState]:
    """A shortest path of allowed transitions from planned to ``target``."""
    paths = {MeetingState.PLANNED: [MeetingState.PLANNED]}
    queue = [MeetingState.PLANNED]
    while queue:
        state = queue.pop(0)
        for nxt in sorted(services.MEETING_WORKFLOW.next_states(state)):
            if nxt not in paths:
                paths[nxt] = [*paths[state], nxt]
                queue.append(nxt)
    return paths[target]


@pytest.mark.parametrize("source", list(MeetingState))
@pytest.mark.parametrize("target", list(MeetingState))
def test_meeting_state_transition_table(source: MeetingState, target: MeetingState) -> None:
    meeting = make_meeting()
    for state in _states_path(source)[1:]:
        services.change_meeting_state(None, meeting, state)
    assert meeting.state is source
    if target in services.MEETING_WORKFLOW.next_states(source):
        services.change_meeting_state(None, meeting, target)
        assert meeting.state is target
    else:
        with pytest.raises(DomainError):
            services.change_meeting_state(None, meeting, target)
        assert meeting.state is source


def test_every_state_is_reachable_and_concluded_is_final() -> None:
    for state in MeetingState:
        assert _states_path(state)[-1] is state
    assert services.MEETING_WORKFLOW.next_states(MeetingState.CONCLUDED) == frozenset()


def test_the_registration_deadline_closes_at_18_00_venue_time() -> None:
    meeting = make_meeting(registration=(date(2018, 4, 2), date(2018, 6, 8)))
    assert meeting.registration_closes_at == datetime(2018, 6, 8, 22, 0, tzinfo=UTC)
    assert meeting.registration_opens_at == datetime(2018, 4, 2, 4, 0, tzinfo=UTC)


def test_a_bad_time_zone_name_is_refused() -> None:
    with pytest.raises(DomainError) as caught:
        make_meeting(timezone="America/Gotham")
    assert caught.value.field == "timezone"
    assert "is not a time zone name" in caught.value.message


def test_the_time_zone_cannot_change_once_sittings_exist() -> None:
    secretariat = make_user(roles=[Role.SECRETARIAT])
    meeting = make_meeting()
    make_sitting(meeting)
    data = dataclasses.replace(services.meeting_data(meeting), timezone="Europe/Vienna")
    with pytest.raises(DomainError) as caught:
        services.update_meeting(secretariat, meeting, data)
    assert caught.value.field == "timezone"


def test_the_dates_must_keep_every_sitting_inside() -> None:
    secretariat = make_user(roles=[Role.SECRETARIAT])
    meeting = make_meeting()
    make_sitting(meeting, day=date(2018, 6, 29), start=time(15), end=time(18))
    data = dataclasses.replace(services.meeting_data(meeting), end_date=date(2018, 6, 28))
    with pytest.raises(DomainError, match="Sittings are scheduled from"):
        services.update_meeting(secretariat, meeting, data)


def test_meeting_codes_are_unique_and_well_formed() -> None:
    make_meeting(code="POA-X")
    with pytest.raises(DomainError, match="already uses this code"):
        make_meeting(code="poa-x")
    with pytest.raises(DomainError) as caught:
        make_meeting(code="bad code!")
    assert caught.value.field == "code"


def test_editing_a_meeting_is_audited_and_round_trips_its_form_values() -> None:
    from meetings.audit.services import entries_for

    secretariat = make_user(roles=[Role.SECRETARIAT])
    meeting = make_meeting()
    data = services.meeting_data(meeting)
    services.update_meeting(secretariat, meeting, data)
    assert [e.action for e in entries_for(meeting)] == ["meeting.created", "meeting.published"]
    services.update_meeting(secretariat, meeting, dataclasses.replace(data, title="Renamed"))
    assert entries_for(meeting)[-1].after == {"title": "Renamed"}


def test_an_unpublished_meeting_is_hidden_from_all_but_the_secretariat() -> None:
    meeting = make_meeting(published=False)
    with pytest.raises(NotFound):
        services.visible_meeting(None, meeting.code)
    with pytest.raises(NotFound):
        services.visible_meeting(make_user(), meeting.code)
    assert services.visible_meeting(make_user(roles=[Role.SECRETARIAT]), meeting.code) is meeting
    assert meeting not in services.public_meetings()


def test_only_the_secretariat_changes_meetings() -> None:
    delegate = make_user()
    meeting = make_meeting()
    with pytest.raises(PermissionDenied):
        services.change_meeting_state(delegate, meeting, MeetingState.REGISTRATION_OPEN)
    with pytest.raises(PermissionDenied):
        services.set_published(delegate, meeting, False)
