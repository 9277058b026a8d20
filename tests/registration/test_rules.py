from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from meetings.audit.services import entries_for
from meetings.auth.models import Role
from meetings.documents.services import UploadTooLarge, read_upload
from meetings.errors import DomainError, NotFound, PermissionDenied
from meetings.extensions import db
from meetings.reference.models import OrganisationKind
from meetings.reference.services import state_by_code
from meetings.registration import access, delegations, invitations, services
from meetings.registration.models import (
    CredentialsStatus,
    DelegationRole,
    Registration,
    RegistrationStatus,
)
from meetings.registration.workflow import transition
from tests.factories.auth import make_user
from tests.factories.registration import (
    JPEG,
    PDF,
    PNG,
    for_organisation,
    for_state,
    letter,
    make_open_meeting,
    ngo,
    person,
    register,
)
from tests.support import documents

# The deadline of make_open_meeting() is 8 June 2018, 18:00 in New York (EDT, UTC-4).
BEFORE_DEADLINE = datetime(2018, 6, 8, 21, 59, tzinfo=UTC)  # 17:59 EDT
AFTER_DEADLINE = datetime(2018, 6, 8, 22, 1, tzinfo=UTC)  # 18:01 EDT


def test_registration_is_open_at_17_59_venue_time_on_the_deadline_day(now) -> None:
    meeting = make_open_meeting()
    now(BEFORE_DEADLINE)
    assert register(make_user(), meeting).status is RegistrationStatus.SUBMITTED


def test_registration_is_closed_at_18_01_venue_time_and_says_when(now) -> None:
    meeting = make_open_meeting()
    now(AFTER_DEADLINE)
    with pytest.raises(DomainError) as caught:
        register(make_user(), meeting)
    assert (
        caught.value.message == "Registration for this meeting closed on June 8, 2018 at 18:00 EDT."
    )


def test_a_draft_cannot_be_submitted_after_the_deadline(now) -> None:
    meeting = make_open_meeting()
    user = make_user()
    registration = register(user, meeting, submit=False)
    now(AFTER_DEADLINE)
    with pytest.raises(DomainError, match="closed on"):
        transition(user, registration, RegistrationStatus.SUBMITTED)


def test_after_the_deadline_only_the_secretariat_registers_and_the_reason_is_logged(now) -> None:
    meeting = make_open_meeting()
    now(AFTER_DEADLINE)
    secretariat = make_user(roles=[Role.SECRETARIAT])
    with pytest.raises(DomainError) as caught:
        services.register_late(secretariat, meeting, for_state(), person(), reason="")
    assert caught.value.field == "late_registration_reason"
    registration = services.register_late(
        secretariat,
        meeting,
        for_state(),
        person(),
        reason="Head of delegation replaced by the Minister",
    )
    assert registration.status is RegistrationStatus.SUBMITTED
    assert registration.late_registration_reason == "Head of delegation replaced by the Minister"
    logged = [
        e for e in entries_for(registration) if e.action == "registration.registered_by_secretariat"
    ]
    assert logged[0].reason == "Head of delegation replaced by the Minister"
    with pytest.raises(PermissionDenied):
        services.register_late(make_user(), meeting, for_state(), person(), reason="please")


def test_registration_is_closed_unless_the_meeting_is_open_for_it() -> None:
    from tests.factories.schedule import make_meeting

    meeting = make_meeting()  # planned
    with pytest.raises(DomainError, match="not open"):
        register(make_user(), meeting)


@pytest.mark.parametrize("email", ["same@example.org", "SAME@example.org", "Same@Example.Org"])
def test_one_registration_per_address_and_meeting_whatever_the_letter_case(email: str) -> None:
    meeting = make_open_meeting()
    register(make_user(email="same@example.org"), meeting)
    focal_point = make_user(roles=[Role.FOCAL_POINT], state=state_by_code("GH"))
    delegation = access.delegation_for(
        focal_point, services.focal_point_delegation(focal_point, meeting).id
    )
    with pytest.raises(DomainError) as caught:
        services.add_member(focal_point, delegation, person(email=email))
    assert caught.value.field == "email"
    assert "already registered" in caught.value.message


def test_a_self_registration_uses_the_accounts_own_address() -> None:
    user = make_user(email="owner@example.org")
    registration = register(user, make_open_meeting(), email="someone.else@example.org")
    assert registration.email == "owner@example.org"


def test_an_account_registers_once_per_meeting() -> None:
    meeting = make_open_meeting()
    user = make_user()
    register(user, meeting)
    with pytest.raises(DomainError, match="already registered"):
        register(user, meeting)


def test_an_unverified_account_cannot_register_yet() -> None:
    with pytest.raises(DomainError, match="Confirm your e-mail address first"):
        register(make_user(verified=False), make_open_meeting())


def test_the_database_holds_one_registration_per_person_and_meeting() -> None:
    meeting = make_open_meeting()
    user = make_user()
    first = register(user, meeting)
    db.session.add(
        Registration(
            meeting_id=meeting.id,
            delegation_id=first.delegation_id,
            category=first.category,
            role=DelegationRole.ADVISER,
            email="another.address@example.org",
            user_id=user.id,
        )
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_the_database_holds_one_registration_per_email_and_meeting() -> None:
    meeting = make_open_meeting()
    first = register(make_user(email="twin@example.org"), meeting)
    db.session.add(
        Registration(
            meeting_id=meeting.id,
            delegation_id=first.delegation_id,
            category=first.category,
            role=DelegationRole.ADVISER,
            email="twin@example.org",
        )
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_government_delegate_needs_a_nomination_letter_to_submit() -> None:
    meeting = make_open_meeting()
    with pytest.raises(DomainError) as caught:
        register(make_user(), meeting, with_letter=False)
    assert caught.value.field == "nomination_letter"
    assert (
        register(make_user(), meeting, with_letter=False, submit=False).status
        is RegistrationStatus.DRAFT
    )
    assert (
        register(
            make_user(), meeting, affiliation=for_organisation(ngo()), with_letter=False
        ).status
        is RegistrationStatus.SUBMITTED
    )


def test_members_added_by_their_focal_point_need_no_letter_and_are_approved() -> None:
    meeting = make_open_meeting()
    focal_point = make_user(roles=[Role.FOCAL_POINT], state=state_by_code("GH"))
    delegation = services.focal_point_delegation(focal_point, meeting)
    member = services.add_member(focal_point, delegation, person())
    assert member.status is RegistrationStatus.APPROVED
    assert member.nomination_letter_id is None


@pytest.mark.parametrize(
    ("data", "kind"), [(PDF, "application/pdf"), (PNG, "image/png"), (JPEG, "image/jpeg")]
)
def test_pdf_png_and_jpeg_are_accepted_by_their_content(data: bytes, kind: str) -> None:
    upload = read_upload(io.BytesIO(data), "whatever.txt", field="f")
    assert upload.content_type == kind


def test_a_file_that_claims_to_be_pdf_but_is_not_is_refused() -> None:
    with pytest.raises(DomainError) as caught:
        read_upload(io.BytesIO(b"<html>not a pdf</html>"), "letter.pdf", field="nomination_letter")
    assert caught.value.field == "nomination_letter"
    assert "not a PDF, PNG or JPEG" in caught.value.message


def test_a_file_over_10_mb_is_refused_with_413() -> None:
    data = letter().data + b"0" * (10 * 1024 * 1024)
    with pytest.raises(UploadTooLarge) as caught:
        read_upload(io.BytesIO(data), "big.pdf", field="nomination_letter")
    assert caught.value.status_code == 413
    assert "larger than 10 MB" in caught.value.message


def test_an_upload_is_stored_outside_static_under_a_generated_name(app) -> None:
    registration = register(make_user(), make_open_meeting())
    document = registration.nomination_letter
    assert document is not None
    assert document.original_name == "nomination.pdf"
    assert document.stored_name != "nomination.pdf"
    assert document.stored_name.endswith(".pdf")
    assert documents.stored_bytes(document.stored_name) == letter().data
    assert not app.config["STORAGE_URL"].startswith(Path(app.static_folder).as_uri())


def test_a_rolled_back_registration_leaves_no_file_behind(app) -> None:
    registration = register(make_user(), make_open_meeting())
    stored = registration.nomination_letter.stored_name
    assert documents.stored_bytes(stored) is not None
    db.session.rollback()
    assert documents.stored_bytes(stored) is None


def test_the_cap_per_organisation_refuses_one_more() -> None:
    meeting = make_open_meeting()
    delegations.set_cap(None, meeting, OrganisationKind.NGO, 2)
    organisation = ngo()
    for _ in range(2):
        register(make_user(), meeting, affiliation=for_organisation(organisation))
    with pytest.raises(DomainError, match="the most this meeting allows"):
        register(make_user(), meeting, affiliation=for_organisation(organisation))
    # A withdrawn registration frees its place.
    first = db.session.scalars(
        sa.select(Registration)
        .options(joinedload(Registration.meeting), joinedload(Registration.delegation))
        .where(
            Registration.meeting_id == meeting.id,
            Registration.status == RegistrationStatus.SUBMITTED,
        )
    ).first()
    transition(None, first, RegistrationStatus.WITHDRAWN)
    register(make_user(), meeting, affiliation=for_organisation(organisation))
    # Another organisation has its own places.
    register(make_user(), meeting, affiliation=for_organisation(ngo("Another NGO")))


def test_a_focal_point_sees_only_their_own_delegation() -> None:
    meeting = make_open_meeting()
    ghana_fp = make_user(roles=[Role.FOCAL_POINT], state=state_by_code("GH"))
    kenya_fp = make_user(roles=[Role.FOCAL_POINT], state=state_by_code("KE"))
    kenyan = register(make_user(), meeting, affiliation=for_state("KE"))
    with pytest.raises(NotFound):
        access.registration_for(ghana_fp, kenyan.id)
    with pytest.raises(NotFound):
        access.delegation_for(ghana_fp, kenyan.delegation_id)
    assert access.registration_for(kenya_fp, kenyan.id) is kenyan
    with pytest.raises(PermissionDenied):
        services.add_member(ghana_fp, kenyan.delegation, person())
    with pytest.raises(PermissionDenied):
        delegations.set_nomination(
            ghana_fp, kenyan.delegation, reference="X", issued_on=None, upload=letter()
        )


def test_a_delegate_sees_only_their_own_registration() -> None:
    meeting = make_open_meeting()
    alice, bob = make_user(), make_user()
    alices = register(alice, meeting)
    with pytest.raises(NotFound):
        access.registration_for(bob, alices.id)
    assert access.registration_for(alice, alices.id) is alices


def test_the_head_is_named_by_the_focal_point_never_chosen_on_a_form() -> None:
    meeting = make_open_meeting()
    focal_point = make_user(roles=[Role.FOCAL_POINT], state=state_by_code("GH"))
    delegation = services.focal_point_delegation(focal_point, meeting)
    with pytest.raises(DomainError) as chosen:
        services.add_member(focal_point, delegation, person(role=DelegationRole.HEAD))
    assert chosen.value.field == "role"
    first = services.add_member(focal_point, delegation, person())
    second = services.add_member(focal_point, delegation, person())
    delegations.name_head(focal_point, delegation, first)
    delegations.name_head(focal_point, delegation, second)
    assert delegation.head_registration_id == second.id
    assert (first.role, second.role) == (DelegationRole.ALTERNATE, DelegationRole.HEAD)


def test_the_nomination_note_verbale_is_recorded() -> None:
    from datetime import date

    meeting = make_open_meeting()
    focal_point = make_user(roles=[Role.FOCAL_POINT], state=state_by_code("GH"))
    delegation = services.focal_point_delegation(focal_point, meeting)
    with pytest.raises(DomainError) as caught:
        delegations.set_nomination(
            focal_point, delegation, reference="", issued_on=None, upload=None
        )
    assert caught.value.field == "reference"
    delegations.set_nomination(
        focal_point,
        delegation,
        reference="PM/GH/2018/112",
        issued_on=date(2018, 5, 2),
        upload=letter(),
    )
    assert delegation.nomination_reference == "PM/GH/2018/112"
    assert delegation.nomination_document is not None


@pytest.mark.parametrize("source", list(CredentialsStatus))
@pytest.mark.parametrize("target", list(CredentialsStatus))
def test_the_credentials_table(source: CredentialsStatus, target: CredentialsStatus) -> None:
    meeting = make_open_meeting()
    delegation = register(make_user(), meeting).delegation
    delegation.credentials_status = source
    secretariat = make_user(roles=[Role.SECRETARIAT])
    if target in delegations.CREDENTIALS_WORKFLOW.next_states(source):
        delegations.set_credentials(secretariat, delegation, target)
        assert delegation.credentials_status is target
    else:
        with pytest.raises(DomainError):
            delegations.set_credentials(secretariat, delegation, target)
        assert delegation.credentials_status is source


def test_only_the_secretariat_records_credentials() -> None:
    meeting = make_open_meeting()
    focal_point = make_user(roles=[Role.FOCAL_POINT], state=state_by_code("GH"))
    delegation = services.focal_point_delegation(focal_point, meeting)
    with pytest.raises(PermissionDenied):
        delegations.set_credentials(focal_point, delegation, CredentialsStatus.COPY_RECEIVED)


def test_an_invitation_is_completed_from_the_signed_link(outbox) -> None:
    import re

    meeting = make_open_meeting()
    focal_point = make_user(roles=[Role.FOCAL_POINT], state=state_by_code("GH"))
    delegation = services.focal_point_delegation(focal_point, meeting)
    invitations.invite(
        focal_point, delegation, email="Invitee@Example.org", role=DelegationRole.ADVISER
    )
    db.session.commit()
    body = outbox[-1].get_body(("plain",)).get_content()
    token = re.search(r"/invitations/(\S+)", body).group(1)
    invitee = make_user(email="invitee@example.org")
    registration = invitations.accept_invitation(
        invitee, token, person(email="ignored@example.org")
    )
    # The focal point chose this person: their invitation is their approval.
    assert registration.status is RegistrationStatus.APPROVED
    approval = entries_for(registration)[-1]
    assert (approval.action, approval.actor_id) == ("registration.approved", focal_point.id)
    assert registration.email == "invitee@example.org"
    assert registration.user_id == invitee.id
    with pytest.raises(DomainError, match="already been used"):
        invitations.invitation(token)
    with pytest.raises(DomainError, match="not valid"):
        invitations.invitation(token + "x")
