"""The findings of the outside probe, each pinned: links from the public address, production's
refusals, odd input that used to be a 500, private pages kept out of caches."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from meetings import create_app
from meetings.auth.models import Role
from meetings.documents.storage import clean_name
from meetings.extensions import db
from tests.factories.auth import make_user
from tests.factories.registration import make_open_meeting

STRONG_KEY = "k" * 16 + "0123456789abcdef0123"


def _production(tmp_path: Path, **overrides: Any) -> Flask:
    settings = {
        "ENV_NAME": "production",
        "INSTANCE_PATH": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite3'}",
        "SECRET_KEY": STRONG_KEY,
        "PUBLIC_URL": "https://meetings.example.org",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "RATELIMIT_ENABLED": False,
    }
    settings.update(overrides)
    return create_app(settings)


# --- links in e-mail come from the public address, never from the request ----------------------


def test_a_reset_link_ignores_the_host_the_request_names(
    app: Flask, client, outbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_user(email="victim@example.org")
    db.session.commit()
    # The attacker's own session would carry a valid token; this test is about the link only.
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    response = client.post(
        "/password/forgot",
        data={"email": "victim@example.org"},
        base_url="http://evil.example",
        headers={"X-Forwarded-Host": "evil.example"},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    body = outbox[-1].get_content()
    assert "http://localhost/password/reset/" in body
    assert "evil.example" not in body


# --- production refuses to start half-safe ------------------------------------------------------


@pytest.mark.no_test_transaction
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"SECRET_KEY": "short"}, "MEETINGS_SECRET_KEY"),
        ({"SECRET_KEY": "testing-secret-key"}, "MEETINGS_SECRET_KEY"),
        ({"DEBUG": True}, "debug mode"),
        ({"PUBLIC_URL": "meetings.example.org"}, "MEETINGS_PUBLIC_URL"),
        ({"PUBLIC_URL": None}, "MEETINGS_PUBLIC_URL"),
    ],
)
def test_production_refuses_a_weak_key_debug_and_no_public_address(
    tmp_path: Path, overrides: dict[str, Any], message: str
) -> None:
    with pytest.raises(RuntimeError, match=message):
        _production(tmp_path, **overrides)


@pytest.mark.no_test_transaction
def test_production_without_redis_refuses_to_start(tmp_path: Path) -> None:
    """Rate limits kept per process would let four workers take four times the attempts."""
    with pytest.raises(RuntimeError, match="MEETINGS_REDIS_URL"):
        _production(tmp_path, REDIS_URL="")


@pytest.mark.no_test_transaction
def test_production_serves_its_own_host_only_and_sends_hsts(tmp_path: Path) -> None:
    app = _production(tmp_path)
    served = app.test_client().get("/healthz", base_url="https://meetings.example.org")
    assert served.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    other = app.test_client().get("/healthz", base_url="https://evil.example")
    assert other.status_code == 400


# --- odd input is a 400, a 404 or a message, never a 500 ---------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/meetings/POA-ODD/sittings/99999999999999999999",
        "/meetings/POA-ODD/sittings/99999999999999999999.ics",
        "/meetings/POA-ODD?room=99999999999999999999",
        "/registrations/99999999999999999999",
        "/delegations/99999999999999999999",
        "/fund/receipts/2147483648",
        "/meetings/%00",
        "/meetings/POA%00ODD",
    ],
)
def test_ids_beyond_range_and_nul_bytes_in_paths_are_not_found(client, login, path) -> None:
    make_open_meeting(code="POA-ODD")
    login(Role.ADMIN)
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/secretariat/registrations?meeting=%C2%B2",
        "/secretariat/registrations?page=1000000000000000000000000000000",
        "/admin/users?q=" + "x" * 60_000,
        "/admin/audit?since=0001-01-01&until=9999-12-31",
    ],
)
def test_odd_query_values_are_read_as_nothing(client, login, path) -> None:
    make_open_meeting(code="POA-ODD")
    login(Role.ADMIN)
    assert client.get(path).status_code == 200


def test_a_nul_byte_anywhere_in_a_form_or_query_is_refused(client) -> None:
    assert client.get("/meetings?q=a%00b").status_code == 400
    response = client.submit("/login", {"email": "a\x00@example.org", "password": "x"})
    assert response.status_code == 400


def test_a_language_that_is_not_one_of_ours_is_ignored(client) -> None:
    client.set_cookie("language", "x" * 500)
    with client.session_transaction() as session:
        session["language"] = "x" * 500
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="en"' in response.get_data(as_text=True)


def test_control_characters_are_stripped_from_file_names() -> None:
    assert clean_name("nomi\x00nation\r\n\t.pdf") == "nomination.pdf"
    assert clean_name("../../etc/passwd") == "passwd"
    assert clean_name("\x00\x01") == "document"


# --- private pages are kept out of caches --------------------------------------------------------


def test_pages_for_a_logged_in_person_are_never_cached(client, login) -> None:
    assert "no-store" not in client.get("/meetings").headers.get("Cache-Control", "")
    login(Role.DELEGATE)
    for path in ("/dashboard", "/meetings", "/account"):
        response = client.get(path)
        assert response.headers["Cache-Control"] == "private, no-store", path
    static = client.get("/static/css/app.css")
    static.close()
    assert "no-store" not in static.headers.get("Cache-Control", "")


def test_without_a_public_address_development_links_follow_the_served_address(
    app: Flask, client, outbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`flask run --port 5055` with no MEETINGS_PUBLIC_URL: e-mailed links still work."""
    make_user(email="dev@example.org")
    db.session.commit()
    monkeypatch.setitem(app.config, "PUBLIC_URL", None)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    client.post(
        "/password/forgot", data={"email": "dev@example.org"}, base_url="http://127.0.0.1:5055"
    )
    assert "http://127.0.0.1:5055/password/reset/" in outbox[-1].get_content()


@pytest.mark.no_test_transaction
def test_the_demonstration_data_is_refused_in_production(tmp_path: Path) -> None:
    app = _production(tmp_path)
    result = app.test_cli_runner().invoke(args=["seed", "demo"])
    assert result.exit_code != 0
    assert "refusing to load the demonstration data in production" in result.output
