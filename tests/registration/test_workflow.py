"""The registration workflow, walked state by state for each kind of person."""

from __future__ import annotations

import pytest

from meetings.audit.services import entries_for
from meetings.auth.models import Role
from meetings.errors import DomainError
from meetings.extensions import db
from meetings.reference.services import state_by_code
from meetings.registration import services, workflow
from meetings.registration.models import RegistrationStatus as S
from meetings.registration.workflow import TRANSITIONS, Actor, transition
from tests.factories.auth import make_user
from tests.factories.registration import make_open_meeting, person, register

# How to bring a fresh submission into each state (moves made by the system).
PATHS: dict[S, list[S]] = {
    S.DRAFT: [],
    S.SUBMITTED: [S.SUBMITTED],
    S.APPROVED: [S.SUBMITTED, S.APPROVED],
    S.ACCREDITED: [S.SUBMITTED, S.APPROVED, S.ACCREDITED],
    S.REJECTED: [S.SUBMITTED, S.REJECTED],
    S.WITHDRAWN: [S.WITHDRAWN],
    S.CANCELLED: [S.SUBMITTED, S.CANCELLED],
}
WHO = {
    "participant": {Actor.PARTICIPANT},
    "focal point": {Actor.FOCAL_POINT},
    "secretariat": {Actor.SECRETARIAT},
    "focal point of another State": set(),
    "another delegate": set(),
}


@pytest.fixture
def cast():
    meeting = make_open_meeting()
    ghana, kenya = state_by_code("GH"), state_by_code("KE")
    people = {
        "participant": make_user(),
        "focal point": make_user(roles=[Role.FOCAL_POINT], state=ghana),
        "secretariat": make_user(roles=[Role.SECRETARIAT]),
        "focal point of another State": make_user(roles=[Role.FOCAL_POINT], state=kenya),
        "another delegate": make_user(),
    }
    return meeting, people


@pytest.mark.parametrize("who", list(WHO))
@pytest.mark.parametrize("target", list(S))
@pytest.mark.parametrize("source", list(S))
def test_the_transition_table(cast, source: S, target: S, who: str) -> None:
    meeting, people = cast
    registration = register(people["participant"], meeting, submit=False)
    for step in PATHS[source]:
        transition(None, registration, step, reason="because")
    assert registration.status is source
    allowed = bool(TRANSITIONS.get((source, target), frozenset()) & WHO[who])
    if source is S.DRAFT and who != "participant":
        allowed = False  # another person's draft is theirs to submit (see the next test)
    if allowed:
        transition(people[who], registration, target, reason="because")
        assert registration.status is target
        assert entries_for(registration)[-1].action == f"registration.{target.value}"
    else:
        with pytest.raises(DomainError):
            transition(people[who], registration, target, reason="because")
        assert registration.status is source


def test_a_draft_is_submitted_by_its_participant_or_by_whoever_filled_it_in_for_them(
    cast,
) -> None:
    meeting, people = cast
    theirs = register(people["participant"], meeting, submit=False)
    assert workflow.allowed_targets(people["focal point"], theirs) == []
    assert workflow.allowed_targets(people["secretariat"], theirs) == []
    delegation = services.focal_point_delegation(people["focal point"], meeting)
    added = services.add_member(people["focal point"], delegation, person())
    assert added.status is S.APPROVED  # submitted and approved by the focal point who added them


def test_every_state_can_be_reached() -> None:
    reachable = {S.DRAFT}
    for source, target in TRANSITIONS:
        if source in reachable:
            reachable.add(target)
    assert reachable == set(S)


def test_rejecting_and_cancelling_need_a_reason(cast) -> None:
    meeting, people = cast
    registration = register(people["participant"], meeting)
    with pytest.raises(DomainError) as caught:
        transition(people["focal point"], registration, S.REJECTED, reason="  ")
    assert caught.value.field == "reason"
    transition(people["focal point"], registration, S.REJECTED, reason="Not on our list")
    assert registration.status_reason == "Not on our list"
    assert entries_for(registration)[-1].reason == "Not on our list"


def test_the_secretariat_takes_the_first_stage_where_there_is_no_focal_point() -> None:
    meeting = make_open_meeting()
    secretariat = make_user(roles=[Role.SECRETARIAT])
    registration = register(make_user(), meeting, affiliation=None)  # Ghana: nobody is focal point
    transition(secretariat, registration, S.APPROVED)
    transition(secretariat, registration, S.ACCREDITED)
    assert registration.status is S.ACCREDITED


def test_nobody_approves_or_accredits_their_own_registration() -> None:
    meeting = make_open_meeting()
    ghana = state_by_code("GH")
    focal_point = make_user(roles=[Role.FOCAL_POINT], state=ghana)
    own = register(focal_point, meeting)
    with pytest.raises(DomainError):
        transition(focal_point, own, S.APPROVED)
    assert own.status is S.SUBMITTED
    # The only focal point of Ghana is the participant: the secretariat gives the first stage.
    secretariat = make_user(roles=[Role.SECRETARIAT])
    transition(secretariat, own, S.APPROVED)
    # A member of the secretariat registered in a delegation cannot accredit themselves either.
    clerk = make_user(roles=[Role.SECRETARIAT])
    theirs = register(clerk, meeting)
    transition(focal_point, theirs, S.APPROVED)
    with pytest.raises(DomainError):
        transition(clerk, theirs, S.ACCREDITED)
    transition(secretariat, theirs, S.ACCREDITED)
    assert (own.status, theirs.status) == (S.APPROVED, S.ACCREDITED)


def test_a_second_focal_point_approves_the_first_one_s_registration() -> None:
    meeting = make_open_meeting()
    ghana = state_by_code("GH")
    first = make_user(roles=[Role.FOCAL_POINT], state=ghana)
    second = make_user(roles=[Role.FOCAL_POINT], state=ghana)
    secretariat = make_user(roles=[Role.SECRETARIAT])
    own = register(first, meeting)
    with pytest.raises(DomainError):
        transition(secretariat, own, S.APPROVED)  # a focal point other than the participant can
    transition(second, own, S.APPROVED)
    assert own.status is S.APPROVED


def test_each_move_mails_the_participant_and_the_focal_point_where_it_concerns_them(
    cast, outbox
) -> None:
    meeting, people = cast
    registration = register(people["participant"], meeting)
    db.session.commit()
    submitted = {m["To"] for m in outbox}
    assert submitted == {people["participant"].email, people["focal point"].email}
    outbox.clear()
    transition(people["focal point"], registration, S.APPROVED)
    db.session.commit()
    assert [m["To"] for m in outbox] == [people["participant"].email]
    outbox.clear()
    transition(people["secretariat"], registration, S.ACCREDITED)
    db.session.commit()
    assert {m["To"] for m in outbox} == {people["participant"].email, people["focal point"].email}
    assert "is accredited" in outbox[0].get_body(("plain",)).get_content()
