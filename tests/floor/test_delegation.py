"""A State's inscription beyond its place: the speaker named from its delegation (or "to be
confirmed"), withdrawing, groups speaking through a State, the time per speaker, and the
sittings a list runs in."""

from __future__ import annotations

import pytest

from meetings.errors import DomainError, PermissionDenied
from meetings.extensions import db
from meetings.floor import lists, presenting, speakers
from meetings.floor.models import InscriptionStatus
from meetings.floor.order import Level, SpeakerKind
from meetings.registration.models import RegistrationStatus
from meetings.registration.workflow import transition
from tests.factories.schedule import make_sitting
from tests.floor.conftest import OPENS
from tests.floor.factories import delegate, focal, open_list, state_id


def test_the_speaker_is_named_from_the_delegation_or_to_be_confirmed() -> None:
    _desk, found = open_list()
    ghana = focal("GH")
    minister = delegate(
        found, "GH", given_names="Ama", family_name="Mensah", consent_to_publish=False
    )
    stranger = delegate(found, "KE")
    with pytest.raises(DomainError) as caught:
        speakers.inscribe_state(ghana, found, state_id("GH"), Level.MINISTER, stranger.id)
    assert caught.value.field == "speaker"
    row = speakers.inscribe_state(ghana, found, state_id("GH"), Level.MINISTER, None)
    assert presenting.person(row, everyone=False) == ""
    speakers.name_speaker(ghana, row, minister.id)
    assert "Ama Mensah" in presenting.person(row, everyone=False)
    # Public only with the person's consent to the published list of participants.
    assert presenting.person(row, everyone=True) == ""
    minister.consent_to_publish = True
    assert "Ama Mensah" in presenting.person(row, everyone=True)
    with pytest.raises(PermissionDenied):
        speakers.name_speaker(focal("KE"), row, None)


def test_a_withdrawn_or_rejected_delegate_cannot_be_named() -> None:
    _desk, found = open_list()
    ghana = focal("GH")
    gone = delegate(found, "GH")
    transition(None, gone, RegistrationStatus.WITHDRAWN)
    assert gone not in speakers.delegates_of(found, state_id("GH"))
    with pytest.raises(DomainError):
        speakers.inscribe_state(ghana, found, state_id("GH"), Level.MINISTER, gone.id)


def test_a_state_withdraws_and_may_inscribe_again_at_the_end_of_its_level(now) -> None:
    from datetime import timedelta

    _desk, found = open_list()
    ghana, kenya = focal("GH"), focal("KE")
    first = speakers.inscribe_state(ghana, found, state_id("GH"), Level.MINISTER, None)
    speakers.inscribe_state(kenya, found, state_id("KE"), Level.MINISTER, None)
    speakers.withdraw(ghana, first)
    assert first.status is InscriptionStatus.WITHDRAWN
    with pytest.raises(DomainError, match="no longer waiting"):
        speakers.withdraw(ghana, first)
    now(OPENS + timedelta(hours=3))
    speakers.inscribe_state(ghana, found, state_id("GH"), Level.MINISTER, None)
    assert [speakers.speaker_name(r) for r in speakers.inscriptions(found)] == ["Kenya", "Ghana"]


def test_a_group_speaks_through_a_state_after_the_states() -> None:
    desk, found = open_list()
    with pytest.raises(DomainError) as caught:
        speakers.inscribe_other(desk, found, SpeakerKind.GROUP, "African Group")
    assert caught.value.field == "state"
    group = speakers.inscribe_other(desk, found, SpeakerKind.GROUP, "African Group", state_id("NG"))
    speakers.inscribe_state(focal("GH"), found, state_id("GH"), Level.OTHER, None)
    assert speakers.speaker_name(group) == "African Group (Nigeria)"
    assert speakers.inscriptions(found)[-1].id == group.id
    # An organisation never speaks "through" a State, whatever the form sent.
    union = speakers.inscribe_other(desk, found, SpeakerKind.IGO, "African Union", state_id("NG"))
    assert union.state_id is None


def test_the_time_per_speaker_is_set_within_bounds_and_logged() -> None:
    desk, found = open_list()
    for seconds in (29, 3601):
        with pytest.raises(DomainError) as caught:
            lists.set_time_limit(desk, found, seconds)
        assert caught.value.field == "time_limit"
    lists.set_time_limit(desk, found, 180)
    assert found.time_limit_seconds == 180
    assert presenting.clock_time(found.time_limit_seconds) == "3:00"
    assert presenting.clock_time(90) == "1:30"
    with pytest.raises(PermissionDenied):
        lists.set_time_limit(focal("GH"), found, 120)


def test_a_list_runs_in_sittings_of_its_own_meeting() -> None:
    desk, found = open_list()
    first = make_sitting(found.meeting, number=1)
    second = make_sitting(found.meeting, number=2)
    _other_desk, elsewhere = open_list()
    foreign = make_sitting(elsewhere.meeting, number=1)
    with pytest.raises(DomainError) as caught:
        lists.create_list(desk, found.meeting_id, "Segment", OPENS, 300, [first.id, foreign.id])
    assert caught.value.field == "sittings"
    segment = lists.create_list(
        desk, found.meeting_id, "Segment", OPENS, 300, [second.id, first.id]
    )
    db.session.expire_all()
    shown = next(x for x in lists.lists_of(found.meeting_id) if x.id == segment.id)
    assert [s.number for s in shown.sittings] == sorted(s.number for s in shown.sittings)
    assert {s.id for s in shown.sittings} == {first.id, second.id}
