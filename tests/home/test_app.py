from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from meetings import create_app
from meetings.auth.models import Role, User
from meetings.extensions import db, limiter
from tests.conftest import make_app
from tests.factories.auth import PASSWORD, make_user


def test_health_check_answers_200_when_the_database_answers(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


@pytest.mark.no_test_transaction
def test_health_check_answers_503_when_the_database_is_unreachable(tmp_path: Path) -> None:
    app = create_app(
        {
            "ENV_NAME": "testing",
            "INSTANCE_PATH": str(tmp_path),
            "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1",
        }
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


def test_the_health_check_asks_at_most_once_a_second_and_never_keeps_a_failure(
    app, client, queries, monkeypatch
) -> None:
    from meetings.home import health

    health.forget()
    with queries() as counted:
        for _ in range(5):
            assert client.get("/healthz").status_code == 200
    assert counted.count == 1
    moments = iter([1000.0, 1000.5, 1001.2])
    monkeypatch.setattr(health.time, "monotonic", lambda: next(moments))
    health.forget()
    client.get("/healthz")  # asks (1000.0)
    with queries() as counted:
        client.get("/healthz")  # within the second: answered from the last check
    assert counted.count == 0
    with queries() as counted:
        client.get("/healthz")  # a second later: asks again
    assert counted.count == 1


def test_unknown_page_gets_the_404_page(client) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_an_unexpected_error_gets_the_500_page_without_a_stack_trace(
    tmp_path, database_url
) -> None:
    app = make_app(database_url, tmp_path, PROPAGATE_EXCEPTIONS=False)

    @app.get("/explode")
    def explode() -> str:
        raise RuntimeError("secret internals")

    response = app.test_client().get("/explode")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong" in html
    assert "secret internals" not in html
    assert "Traceback" not in html


def test_a_request_over_the_size_limit_gets_the_413_page(client, app) -> None:
    body = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post("/register", data=body, content_type="application/octet-stream")
    assert response.status_code == 413
    assert "files may be at most 10 MB" in response.get_data(as_text=True)


def test_security_headers_are_set(client) -> None:
    response = client.get("/")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_production_refuses_to_start_without_secret_key_and_database(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("MEETINGS_SECRET_KEY", raising=False)
    monkeypatch.delenv("MEETINGS_DATABASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="MEETINGS_SECRET_KEY, MEETINGS_DATABASE_URL"):
        create_app({"ENV_NAME": "production", "INSTANCE_PATH": str(tmp_path)})


def test_production_uses_secure_cookies_and_the_environment(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("MEETINGS_SECRET_KEY", "s" * 40)
    monkeypatch.setenv("MEETINGS_DATABASE_URL", "postgresql://app@db.internal/meetings")
    monkeypatch.setenv("MEETINGS_PUBLIC_URL", "https://meetings.example.org")
    monkeypatch.setenv("MEETINGS_REDIS_URL", "redis://127.0.0.1:6379/0")
    app = create_app({"ENV_NAME": "production", "INSTANCE_PATH": str(tmp_path)})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://app@db.internal/meetings"


def test_production_refuses_to_start_without_redis(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("MEETINGS_SECRET_KEY", "s" * 40)
    monkeypatch.setenv("MEETINGS_DATABASE_URL", "postgresql://app@db.internal/meetings")
    monkeypatch.setenv("MEETINGS_PUBLIC_URL", "https://meetings.example.org")
    monkeypatch.delenv("MEETINGS_REDIS_URL", raising=False)
    with pytest.raises(RuntimeError, match="MEETINGS_REDIS_URL"):
        create_app({"ENV_NAME": "production", "INSTANCE_PATH": str(tmp_path)})


def test_development_defaults_to_the_embedded_sqlite_database(tmp_path) -> None:
    app = create_app({"INSTANCE_PATH": str(tmp_path), "RATELIMIT_ENABLED": False})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'meetings.sqlite3'}"
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True


@pytest.fixture
def rate_limited(database_url, tmp_path) -> Flask:
    app = make_app(database_url, tmp_path, RATELIMIT_ENABLED=True)
    from tests.support import Client

    app.test_client_class = Client
    yield app
    limiter.reset()
    limiter.enabled = False


def test_the_sixth_login_attempt_in_a_minute_gets_the_429_page(rate_limited) -> None:
    user = make_user()
    db.session.commit()
    client = rate_limited.test_client()
    statuses = [
        client.submit("/login", {"email": user.email, "password": "wrong password!"}).status_code
        for _ in range(6)
    ]
    assert statuses == [422] * 5 + [429]
    response = client.submit("/login", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)


def test_login_is_limited_per_account_across_addresses(rate_limited) -> None:
    user = make_user()
    db.session.commit()
    statuses = []
    for attempt in range(6):
        client = rate_limited.test_client()
        response = client.submit(
            "/login",
            {"email": user.email, "password": "wrong password!"},
            environ_base={"REMOTE_ADDR": f"10.0.0.{attempt + 1}"},
        )
        statuses.append(response.status_code)
    assert statuses[-1] == 429


def test_accept_language_picks_the_language_and_arabic_is_right_to_left(client) -> None:
    html = client.get("/", headers={"Accept-Language": "ar,en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html
    html = client.get("/", headers={"Accept-Language": "de-DE,de"}).get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in html


def test_a_visitor_s_language_is_kept_in_the_session_and_given_to_the_new_account(
    client, outbox
) -> None:
    response = client.submit("/language", {"language": "es", "next": "/login"})
    assert response.headers["Location"] == "/login"
    assert '<html lang="es"' in client.get("/login").get_data(as_text=True)
    client.submit(
        "/register",
        {
            "full_name": "Lucía Pérez",
            "email": "lucia@example.org",
            "password": "una contraseña larga",
            "confirm": "una contraseña larga",
        },
    )
    user = db.session.scalars(sa.select(User).where(User.email == "lucia@example.org")).one()
    assert user.locale == "es"
    assert outbox[-1]["Content-Language"] == "es"


def test_navigation_depends_on_the_role(client, login) -> None:
    login(Role.ADMIN)
    html = client.get("/dashboard").get_data(as_text=True)
    assert 'href="/admin/users"' in html


def test_pages_have_a_skip_link_and_landmarks(client) -> None:
    html = client.get("/login").get_data(as_text=True)
    assert 'class="skip-link" href="#content"' in html
    for landmark in ('role="banner"', "<main", 'role="contentinfo"', "<nav"):
        assert landmark in html
    assert 'for="email"' in html
    assert 'for="password"' in html


def test_the_header_has_no_two_links_of_the_same_name_to_different_places(client, login) -> None:
    import re

    from meetings.auth.models import Role

    for who in (None, Role.SECRETARIAT, Role.ADMIN):
        if who is not None:
            login(who)
        html = client.get("/meetings").get_data(as_text=True)
        header = html[html.index("<header") : html.index("</header>")]
        links: dict[str, set[str]] = {}
        for href, text in re.findall(r'<a[^>]*href="([^"]+)"[^>]*>(.*?)</a>', header, re.S):
            name = re.sub(r"<[^>]+>|\s+", " ", text).strip()
            links.setdefault(name, set()).add(href)
        assert all(len(hrefs) == 1 for hrefs in links.values()), links


def test_the_header_s_language_switch_leaves_the_account_s_language_alone(client, login) -> None:
    from meetings.auth.models import Role
    from meetings.extensions import db

    user = login(Role.DELEGATE)
    assert user.locale in (None, "en")
    user.locale = "en"
    db.session.commit()
    response = client.submit("/language", {"language": "fr", "next": "/dashboard"})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert '<html lang="fr"' in page
    assert "Vos courriels sont toujours rédigés en anglais" in page
    db.session.refresh(user)
    assert user.locale == "en"  # e-mails stay in English until changed on the account page


@pytest.fixture
def redis_down(database_url, tmp_path) -> Flask:
    """Rate limits, cache and change signal on a Redis that does not answer (nothing listens on
    port 1)."""
    app = make_app(
        database_url,
        tmp_path,
        RATELIMIT_ENABLED=True,
        REDIS_URL="redis://127.0.0.1:1/0",
        CELERY_BROKER_URL="redis://127.0.0.1:1/0",
    )
    from tests.support import Client

    app.test_client_class = Client
    yield app
    limiter.enabled = False


def test_with_redis_down_logins_and_pages_still_answer(redis_down) -> None:
    user = make_user()
    db.session.commit()
    client = redis_down.test_client()
    refused = client.submit("/login", {"email": user.email, "password": "wrong password!"})
    assert refused.status_code == 422
    assert client.submit("/login", {"email": user.email, "password": PASSWORD}).status_code == 302
    assert client.get("/meetings").status_code == 200


def test_readyz_says_which_dependency_fails(client, redis_down) -> None:
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json["status"] == "ready"
    assert ready.json["checks"]["database"] == "ok"
    assert ready.json["checks"]["storage"] == "ok"
    assert ready.json["checks"]["broker"] == "ok"
    assert ready.json["checks"]["redis"] in ("ok", "not configured")
    down = redis_down.test_client().get("/readyz")
    assert down.status_code == 503
    assert down.json["checks"]["redis"] == "unreachable"
    assert down.json["checks"]["broker"] == "unreachable"
    assert down.json["checks"]["database"] == "ok"
    assert redis_down.test_client().get("/healthz").status_code == 200  # alive, not ready
