from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from meetings.auth import services
from meetings.auth.models import Role, User
from meetings.extensions import db
from tests.factories.auth import PASSWORD, make_user
from tests.support import form_errors


def _user_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User)) or 0


def _sign_up(client, email: str = "amina@example.org", name: str = "Amina Diallo"):
    return client.submit(
        "/register",
        {"full_name": name, "email": email, "password": PASSWORD, "confirm": PASSWORD},
    )


def _link(message) -> str:
    body = message.get_body(("plain",)).get_content()
    return re.search(r"http://localhost(/verify/\S+)", body).group(1)


def test_sign_up_sends_a_link_that_confirms_the_address_and_logs_in(client, outbox) -> None:
    response = _sign_up(client)
    assert response.status_code == 200
    assert "Check your e-mail" in response.get_data(as_text=True)
    user = db.session.scalars(sa.select(User).where(User.email == "amina@example.org")).one()
    assert not user.is_verified
    assert client.get("/dashboard").status_code == 302  # not logged in yet
    [message] = list(outbox)
    assert message["To"] == "amina@example.org"
    response = client.get(_link(message))
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"
    db.session.refresh(user)
    assert user.is_verified
    assert user.last_login_at is not None
    assert "Welcome, Amina Diallo." in client.get("/dashboard").get_data(as_text=True)


def test_sign_up_with_an_existing_address_looks_the_same_and_tells_the_owner(
    client, outbox
) -> None:
    make_user(email="taken@example.org")
    db.session.commit()
    before = _user_count()
    response = _sign_up(client, "TAKEN@example.org", "Second Person")
    assert response.status_code == 200
    assert "Check your e-mail" in response.get_data(as_text=True)
    assert _user_count() == before
    assert [m["Subject"] for m in outbox] == [
        "Someone tried to create an account with your address"
    ]


def test_a_tampered_verification_link_verifies_nobody(client) -> None:
    response = client.get("/verify/not-a-real-token")
    assert response.status_code == 400
    assert "not valid" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("too-short", "Use at least 12 characters."),
        ("me@example.org", "Your password must not be your e-mail address."),
    ],
)
def test_register_shows_the_password_rule_beside_the_field(client, password, message) -> None:
    response = client.submit(
        "/register",
        {"full_name": "Me", "email": "me@example.org", "password": password, "confirm": password},
    )
    assert response.status_code == 422
    assert message in " ".join(form_errors(response))
    assert 'id="password-error"' in response.get_data(as_text=True)


def test_login_failure_is_generic_and_keeps_the_email(client) -> None:
    make_user(email="known@example.org")
    db.session.commit()
    wrong = client.submit("/login", {"email": "known@example.org", "password": "not the password"})
    unknown = client.submit("/login", {"email": "ghost@example.org", "password": PASSWORD})
    for response, email in [(wrong, "known@example.org"), (unknown, "ghost@example.org")]:
        assert response.status_code == 422
        html = response.get_data(as_text=True)
        assert "Email or password is incorrect." in html
        assert f'value="{email}"' in html


def test_login_redirects_only_to_local_next(client) -> None:
    user = make_user()
    db.session.commit()
    response = client.submit(
        "/login", {"email": user.email, "password": PASSWORD, "next": "https://evil.example/x"}
    )
    assert response.headers["Location"] == "/dashboard"
    client.submit("/logout")
    response = client.submit(
        "/login", {"email": user.email, "password": PASSWORD, "next": "/account"}
    )
    assert response.headers["Location"] == "/account"


def test_login_starts_a_fresh_session(client) -> None:
    user = make_user()
    db.session.commit()
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    client.submit("/login", {"email": user.email, "password": PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == user.get_id()


def test_pages_that_need_login_send_to_the_login_page(client) -> None:
    response = client.get("/dashboard")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_logout_ends_every_session_of_the_user(app, client, login) -> None:
    user = login(Role.DELEGATE)
    other = app.test_client()
    other.submit("/login", {"email": user.email, "password": PASSWORD})
    assert other.get("/dashboard").status_code == 200
    client.submit("/logout")
    assert client.get("/dashboard").status_code == 302
    assert other.get("/dashboard").status_code == 302


def test_password_change_keeps_this_session_and_ends_the_others(app, client, login) -> None:
    user = login(Role.DELEGATE)
    other = app.test_client()
    other.submit("/login", {"email": user.email, "password": PASSWORD})
    response = client.submit(
        "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": "a new long passphrase",
            "confirm": "a new long passphrase",
        },
    )
    assert response.status_code == 302
    assert client.get("/dashboard").status_code == 200
    assert other.get("/dashboard").status_code == 302


def test_password_change_with_a_wrong_current_password_says_so_beside_the_field(
    client, login
) -> None:
    login(Role.DELEGATE)
    response = client.submit(
        "/account/password",
        {
            "current_password": "wrong wrong wrong",
            "new_password": "a new long passphrase",
            "confirm": "a new long passphrase",
        },
    )
    assert response.status_code == 422
    assert 'id="current_password-error"' in response.get_data(as_text=True)


def test_the_whole_password_reset_flow_by_email(client, outbox) -> None:
    user = make_user(email="forgetful@example.org")
    db.session.commit()
    response = client.submit("/password/forgot", {"email": "Forgetful@example.org"})
    assert "If an account exists for" in response.get_data(as_text=True)
    link = re.search(
        r"http://localhost(/password/reset/\S+)", outbox[-1].get_body(("plain",)).get_content()
    )
    assert link is not None
    path = link.group(1)
    assert client.get(path).status_code == 200
    response = client.submit(
        path, {"password": "my new long passphrase", "confirm": "my new long passphrase"}
    )
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.last_login_at is not None  # the reset logged the person in
    assert services.authenticate(user.email, "my new long passphrase").id == user.id
    again = client.get(path)
    assert again.status_code == 400
    assert "Send me a new link" in again.get_data(as_text=True)


def test_a_forgotten_password_request_for_an_unknown_email_looks_the_same(client, outbox) -> None:
    response = client.submit("/password/forgot", {"email": "nobody@example.org"})
    assert response.status_code == 200
    assert "If an account exists for" in response.get_data(as_text=True)
    assert outbox == []


def test_a_tampered_reset_link_offers_a_new_one_and_changes_nothing(client) -> None:
    user = make_user()
    db.session.commit()
    token = services.make_reset_token(user)
    response = client.submit(
        f"/password/reset/{token}x", {"password": "x" * 20, "confirm": "x" * 20}
    )
    assert response.status_code == 400
    assert "Send me a new link" in response.get_data(as_text=True)
    assert services.authenticate(user.email, PASSWORD).id == user.id


def test_a_post_without_csrf_token_gets_the_400_page_and_writes_nothing(client) -> None:
    before = _user_count()
    response = client.post(
        "/register",
        data={
            "full_name": "No Token",
            "email": "notoken@example.org",
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )
    assert response.status_code == 400
    assert "Nothing was saved" in response.get_data(as_text=True)
    assert _user_count() == before


def test_profile_language_is_saved_and_used(client, login) -> None:
    login(Role.DELEGATE)
    response = client.submit("/account", {"full_name": "Renamed Person", "locale": "fr"})
    assert response.status_code == 302
    html = client.get("/account").get_data(as_text=True)
    assert '<html lang="fr"' in html
    assert 'value="Renamed Person"' in html


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.DELEGATE, 403),
        (Role.SECRETARIAT, 403),
        (Role.FUND_ADMINISTRATOR, 403),
        (Role.DONOR, 403),
        (Role.ADMIN, 200),
    ],
)
def test_only_administrators_see_the_users_page(client, login, role, status) -> None:
    login(role, state=None)
    assert client.get("/admin/users").status_code == status


def test_an_administrator_grants_a_focal_point_role_through_the_form(client, login) -> None:
    login(Role.ADMIN)
    user = make_user()
    db.session.commit()
    from meetings.reference.services import state_by_code

    ghana = state_by_code("GH")
    assert ghana is not None
    response = client.submit(
        f"/admin/users/{user.id}/roles", {"role": "focal_point", "state_id": str(ghana.id)}
    )
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.focal_point_assignment is not None
    assert user.focal_point_assignment.state_id == ghana.id


def test_a_focal_point_role_without_state_is_refused_beside_the_field(client, login) -> None:
    login(Role.ADMIN)
    user = make_user()
    db.session.commit()
    response = client.submit(f"/admin/users/{user.id}/roles", {"role": "focal_point"})
    assert response.status_code == 422
    assert "choose exactly one" in " ".join(form_errors(response))


def test_a_non_administrator_cannot_grant_roles_by_posting(client, login) -> None:
    login(Role.SECRETARIAT)
    user = make_user()
    db.session.commit()
    response = client.submit(f"/admin/users/{user.id}/roles", {"role": "admin"})
    assert response.status_code == 403
    db.session.refresh(user)
    assert not user.has_role(Role.ADMIN)


def test_audit_log_lists_entries_with_a_constant_number_of_queries(client, login, queries) -> None:
    login(Role.ADMIN)
    counts = []
    for extra in (0, 30):
        for _ in range(extra):
            make_user()
        db.session.commit()
        with queries() as counted:
            assert client.get("/admin/audit").status_code == 200
        counts.append(counted.count)
    assert counts[0] == counts[1], counts


def test_a_session_survives_a_new_network_address_but_not_another_browser(client, login) -> None:
    """Strong session protection binds the session to the browser, not to the network path."""
    user = login(Role.DELEGATE)
    assert user is not None
    moved = client.get("/dashboard", environ_base={"REMOTE_ADDR": "10.9.8.7"})
    assert moved.status_code == 200
    other_browser = client.get(
        "/dashboard",
        headers={"User-Agent": "Another browser"},
        environ_base={"REMOTE_ADDR": "10.9.8.7"},
    )
    assert other_browser.status_code == 302
    assert "/login" in other_browser.headers["Location"]
