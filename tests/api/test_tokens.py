"""Personal access tokens: shown once and stored hashed, scoped, expiring, revocable, last use
noted; a token acts as its owner as the owner stands now; cookies are never read by the API."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from meetings import clock
from meetings.api import tokens
from meetings.api.models import ApiToken, Scope
from meetings.auth.models import Role
from meetings.errors import DomainError, NotFound
from meetings.extensions import db
from tests.api.conftest import bearer, token_for
from tests.factories.auth import make_user


def test_a_token_is_shown_once_and_kept_as_a_hash() -> None:
    user = make_user()
    row, secret = tokens.create(user, "Mission tool", ["read"], 30)
    assert secret.startswith("mtg_")
    assert len(secret) > 40
    stored = db.session.scalar(sa.select(ApiToken.token_hash).where(ApiToken.id == row.id))
    assert stored == tokens.digest(secret)
    assert secret not in (stored, row.prefix)
    assert row.expires_at - row.created_at == timedelta(days=30)


@pytest.mark.parametrize(
    ("name", "scopes", "lifetime", "field"),
    [
        (" ", ["read"], 30, "name"),
        ("x", [], 30, "scopes"),
        ("x", ["admin"], 30, "scopes"),
        ("x", ["read"], 7, "lifetime"),
    ],
)
def test_what_a_token_needs(name, scopes, lifetime, field) -> None:
    with pytest.raises(DomainError) as caught:
        tokens.create(make_user(), name, scopes, lifetime)
    assert caught.value.field == field


def test_a_token_stops_when_revoked_expired_or_its_owner_is_deactivated(api, monkeypatch) -> None:
    user = make_user()
    secret = token_for(user, [Scope.READ])
    assert api.get("/api/v1/me", headers=bearer(secret)).status_code == 200
    row = db.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == user.id))
    later = clock.now() + timedelta(days=91)
    monkeypatch.setattr(clock, "now", lambda: later)
    expired = api.get("/api/v1/me", headers=bearer(secret))
    assert expired.status_code == 401
    assert expired.headers["WWW-Authenticate"].startswith("Bearer")
    monkeypatch.undo()
    user.active = False
    db.session.commit()
    assert api.get("/api/v1/me", headers=bearer(secret)).status_code == 401
    user.active = True
    db.session.commit()
    tokens.revoke(user, row.id)
    db.session.commit()
    assert api.get("/api/v1/me", headers=bearer(secret)).status_code == 401
    with pytest.raises(NotFound):
        tokens.revoke(make_user(), row.id)


def test_the_last_use_is_noted_at_most_once_a_minute(api, monkeypatch) -> None:
    user = make_user()
    secret = token_for(user, [Scope.READ])
    start = clock.now()
    monkeypatch.setattr(clock, "now", lambda: start)
    api.get("/api/v1/me", headers=bearer(secret))
    row = db.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == user.id))
    assert row.last_used_at == start
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(seconds=30))
    api.get("/api/v1/me", headers=bearer(secret))
    db.session.refresh(row)
    assert row.last_used_at == start
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(minutes=2))
    api.get("/api/v1/me", headers=bearer(secret))
    db.session.refresh(row)
    assert row.last_used_at == start + timedelta(minutes=2)


def test_a_token_never_does_more_than_its_owner_and_loses_what_the_owner_loses(api) -> None:
    from tests.factories.registration import make_open_meeting

    meeting = make_open_meeting()
    desk = make_user(roles=[Role.SECRETARIAT])
    secret = token_for(desk)
    url = f"/api/v1/meetings/{meeting.code}/check-ins"
    assert api.get(url, headers=bearer(secret)).status_code == 200
    from meetings.auth import services as accounts

    admin = make_user(roles=[Role.ADMIN])
    accounts.revoke_role(admin, desk, Role.SECRETARIAT)
    db.session.commit()
    refused = api.get(url, headers=bearer(secret))
    assert refused.status_code == 403
    assert refused.headers["Content-Type"] == "application/problem+json"


def test_cookies_are_not_accepted(client, login) -> None:
    login(Role.SECRETARIAT)
    assert client.get("/account").status_code == 200  # logged in, by cookie
    assert client.get("/api/v1/me").status_code == 401
    refused = client.post("/api/v1/registrations/1/approve")
    assert refused.status_code == 401
    assert refused.json["type"].endswith("/unauthenticated")


def test_the_account_page_makes_shows_once_and_revokes_a_token(client, login) -> None:
    user = login(make_user())
    made = client.submit(
        "/account/tokens", {"name": "Finance system", "scopes": ["fund"], "lifetime": "365"}
    )
    page = made.get_data(as_text=True)
    assert made.status_code == 200
    secret = page.split('<code id="new-token">', 1)[1].split("</code>", 1)[0]
    assert secret.startswith("mtg_")
    assert secret not in client.get("/account/tokens").get_data(as_text=True)
    refused = client.submit("/account/tokens", {"name": "No scopes", "lifetime": "30"})
    assert refused.status_code == 422
    assert 'value="No scopes"' in refused.get_data(as_text=True)
    row = db.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == user.id))
    assert client.submit(f"/account/tokens/{row.id}/revoke").status_code == 302
    db.session.refresh(row)
    assert row.revoked_at is not None
