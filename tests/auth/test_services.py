from __future__ import annotations

import time

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from meetings.audit.models import AuditEntry
from meetings.audit.services import entries_for
from meetings.auth import services
from meetings.auth.models import Role, RoleAssignment, User
from meetings.auth.permissions import Permission, has_permission, require
from meetings.errors import DomainError, PermissionDenied
from meetings.extensions import db
from meetings.reference.services import state_by_code
from tests.factories.auth import PASSWORD, make_user


def test_register_creates_a_delegate_with_a_lowercased_email_and_an_argon2id_hash() -> None:
    user = services.register_user(
        email="  Amina.Diallo@Example.ORG ", password=PASSWORD, full_name=" Amina Diallo "
    )
    assert user.email == "amina.diallo@example.org"
    assert user.full_name == "Amina Diallo"
    assert user.password_hash.startswith("$argon2id$")
    assert user.roles == {Role.DELEGATE}
    assert [e.action for e in entries_for(user)] == ["user.registered"]


@pytest.mark.parametrize("email", ["taken@example.org", "TAKEN@example.org", "Taken@Example.Org"])
def test_register_refuses_an_email_that_exists_in_any_letter_case(email: str) -> None:
    make_user(email="taken@example.org")
    with pytest.raises(DomainError) as caught:
        services.register_user(email=email, password=PASSWORD, full_name="Someone Else")
    assert caught.value.message == "An account with this email already exists."
    assert caught.value.field == "email"


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short-pass1", "Use at least 12 characters."),
        ("abcdefghijk", "Use at least 12 characters."),
        ("Long.Name@Example.org", "Your password must not be your e-mail address."),
    ],
)
def test_register_refuses_weak_passwords(password: str, message: str) -> None:
    with pytest.raises(DomainError) as caught:
        services.register_user(
            email="long.name@example.org", password=password, full_name="Long Name"
        )
    assert (caught.value.message, caught.value.field) == (message, "password")
    assert services.user_by_email("long.name@example.org") is None


def test_the_database_refuses_two_accounts_with_one_email() -> None:
    make_user(email="twin@example.org")
    db.session.add(User(email="twin@example.org", full_name="Twin", password_hash="x"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_authenticate_gives_the_same_message_for_a_wrong_password_and_an_unknown_email() -> None:
    make_user(email="known@example.org")
    messages = []
    for email, password in [
        ("known@example.org", "wrong password!"),
        ("nobody@example.org", PASSWORD),
    ]:
        with pytest.raises(DomainError) as caught:
            services.authenticate(email, password)
        messages.append(caught.value.message)
    assert messages == ["Email or password is incorrect."] * 2


def test_authenticate_accepts_any_letter_case_of_the_email_and_records_the_login() -> None:
    user = make_user(email="case@example.org")
    assert services.authenticate("CASE@example.org", PASSWORD) is user
    assert user.last_login_at is not None


def test_a_deactivated_account_cannot_log_in() -> None:
    admin = make_user(roles=[Role.ADMIN])
    user = make_user()
    services.set_active(admin, user, False)
    with pytest.raises(DomainError):
        services.authenticate(user.email, PASSWORD)


def test_session_identifier_carries_the_version_and_a_stale_one_loads_nobody() -> None:
    user = make_user()
    identifier = user.get_id()
    assert services.load_session_user(identifier) is user
    services.end_all_sessions(user)
    assert services.load_session_user(identifier) is None
    assert services.load_session_user(user.get_id()) is user
    assert services.load_session_user("garbage") is None
    assert services.load_session_user(f"{user.id}") is None


def test_change_password_needs_the_current_one_and_ends_other_sessions() -> None:
    user = make_user()
    old_identifier = user.get_id()
    with pytest.raises(DomainError) as caught:
        services.change_password(user, current_password="not it at all", new_password="x" * 20)
    assert caught.value.field == "current_password"
    services.change_password(user, current_password=PASSWORD, new_password="a brand new passphrase")
    assert services.load_session_user(old_identifier) is None
    assert services.authenticate(user.email, "a brand new passphrase") is user


def test_reset_token_works_once_and_leaves_the_password_unchanged_when_refused() -> None:
    user = make_user()
    token = services.make_reset_token(user)
    services.reset_password(token, "another long passphrase")
    with pytest.raises(services.InvalidResetToken):
        services.reset_password(token, "and yet another passphrase")
    assert services.authenticate(user.email, "another long passphrase") is user


def test_a_tampered_reset_token_is_refused() -> None:
    user = make_user()
    token = services.make_reset_token(user)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    with pytest.raises(services.InvalidResetToken) as caught:
        services.user_for_reset_token(tampered)
    assert caught.value.message == "This link is not valid."


def test_an_expired_reset_token_is_refused(app, monkeypatch: pytest.MonkeyPatch) -> None:
    user = make_user()
    token = services.make_reset_token(user)
    real_time = time.time
    monkeypatch.setattr(
        time, "time", lambda: real_time() + app.config["PASSWORD_RESET_MAX_AGE"] + 5
    )
    with pytest.raises(services.InvalidResetToken) as caught:
        services.user_for_reset_token(token)
    assert caught.value.message == "This link has expired."


def test_password_reset_mail_is_sent_only_after_commit_and_only_for_known_accounts(outbox) -> None:
    user = make_user(email="forgetful@example.org")
    services.request_password_reset("nobody@example.org")
    services.request_password_reset("FORGETFUL@example.org")
    assert outbox == []
    db.session.commit()
    assert [m["To"] for m in outbox] == [user.email]
    assert "/password/reset/" in outbox[0].get_body(("plain",)).get_content()


def test_mail_of_a_rolled_back_transaction_is_never_sent(outbox) -> None:
    make_user(email="rollback@example.org")
    db.session.commit()
    services.request_password_reset("rollback@example.org")
    db.session.rollback()
    db.session.commit()
    assert outbox == []


# --- roles ---------------------------------------------------------------------------------------


def test_only_an_administrator_grants_roles() -> None:
    secretariat = make_user(roles=[Role.SECRETARIAT])
    user = make_user()
    with pytest.raises(PermissionDenied):
        services.grant_role(secretariat, user, Role.SECRETARIAT)
    admin = make_user(roles=[Role.ADMIN])
    services.grant_role(admin, user, Role.SECRETARIAT)
    assert user.has_role(Role.SECRETARIAT)
    entry = entries_for(user)[-1]
    assert (entry.action, entry.actor_id, entry.after) == (
        "user.role_granted",
        admin.id,
        {"role": "secretariat", "scope": None},
    )


def test_a_focal_point_acts_for_exactly_one_state_or_organisation() -> None:
    admin = make_user(roles=[Role.ADMIN])
    user = make_user()
    with pytest.raises(DomainError):
        services.grant_role(admin, user, Role.FOCAL_POINT)
    with pytest.raises(DomainError):
        services.grant_role(admin, user, Role.DONOR, services.RoleScope(state=state_by_code("GH")))
    ghana = state_by_code("GHA")
    services.grant_role(admin, user, Role.FOCAL_POINT, services.RoleScope(state=ghana))
    assert user.focal_point_assignment is not None
    assert user.focal_point_assignment.state == ghana


def test_the_database_refuses_a_focal_point_without_scope() -> None:
    user = make_user()
    db.session.add(RoleAssignment(user_id=user.id, role=Role.FOCAL_POINT))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_revoking_a_role_ends_the_users_sessions_and_is_audited() -> None:
    admin = make_user(roles=[Role.ADMIN])
    user = make_user(roles=[Role.SECRETARIAT])
    identifier = user.get_id()
    services.revoke_role(admin, user, Role.SECRETARIAT)
    assert not user.has_role(Role.SECRETARIAT)
    assert services.load_session_user(identifier) is None
    assert entries_for(user)[-1].before == {"role": "secretariat", "scope": ""}


def test_an_administrator_cannot_remove_their_own_admin_role_or_deactivate_themselves() -> None:
    admin = make_user(roles=[Role.ADMIN])
    with pytest.raises(DomainError):
        services.revoke_role(admin, admin, Role.ADMIN)
    with pytest.raises(DomainError):
        services.set_active(admin, admin, False)


@pytest.mark.parametrize(
    ("role", "permission", "expected"),
    [
        (Role.DELEGATE, Permission.REGISTER, True),
        (Role.DELEGATE, Permission.MANAGE_SCHEDULE, False),
        (Role.SECRETARIAT, Permission.MANAGE_SCHEDULE, True),
        (Role.SECRETARIAT, Permission.MANAGE_USERS, False),
        (Role.SECRETARIAT, Permission.MANAGE_FUND, False),
        (Role.FUND_ADMINISTRATOR, Permission.MANAGE_FUND, True),
        (Role.FUND_ADMINISTRATOR, Permission.MANAGE_REGISTRATIONS, False),
        (Role.DONOR, Permission.CONTRIBUTE, True),
        (Role.DONOR, Permission.REVIEW_SPONSORSHIP, False),
        (Role.ADMIN, Permission.MANAGE_USERS, True),
        (Role.ADMIN, Permission.MANAGE_FUND, True),
    ],
)
def test_role_permission_table(role: Role, permission: Permission, expected: bool) -> None:
    ghana = state_by_code("GH")
    user = make_user(roles=[role], state=ghana)
    assert has_permission(user, permission) is expected


def test_anonymous_and_deactivated_users_hold_no_permission() -> None:
    admin = make_user(roles=[Role.ADMIN])
    other = make_user(roles=[Role.ADMIN])
    services.set_active(admin, other, False)
    assert not has_permission(other, Permission.MANAGE_USERS)
    assert not has_permission(None, Permission.REGISTER)
    with pytest.raises(PermissionDenied):
        require(other, Permission.MANAGE_USERS)


def test_create_admin_is_idempotent() -> None:
    first = services.create_admin(email="root@example.org", password=PASSWORD, full_name="Root")
    second = services.create_admin(email="ROOT@example.org", password=PASSWORD, full_name="Root")
    assert first is second
    assert first.roles == {Role.DELEGATE, Role.ADMIN}
    count = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.action == "user.role_granted", AuditEntry.target_id == str(first.id))
    )
    assert count == 1
