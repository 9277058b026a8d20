"""Rate limits: failed logins per account (case variants are one account) and per address,
sign-up and password reset, and one count for every worker when Redis keeps it."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import requests
from flask import Flask

from meetings.extensions import db, limiter
from tests.conftest import PASSWORD, make_app
from tests.factories.auth import make_user
from tests.support import Client
from tests.support.gunicorn import csrf_token, serve

REDIS = os.environ.get("MEETINGS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _limited(database_url: str, folder: Path, **settings: object) -> Flask:
    app = make_app(database_url, folder, RATELIMIT_ENABLED=True, **settings)
    app.test_client_class = Client
    return app


@pytest.fixture
def limited(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    yield _limited(database_url, tmp_path)
    limiter.reset()
    limiter.enabled = False


WRONG = "wrong password!"


def _login(client: Client, email: str, password: str = WRONG, address: str = "") -> int:
    environ = {"REMOTE_ADDR": address} if address else {}
    return client.submit(
        "/login", {"email": email, "password": password}, environ_base=environ
    ).status_code


def test_case_variants_of_one_address_count_as_one_account(limited: Flask) -> None:
    user = make_user(email="amina@example.org")
    db.session.commit()
    client = limited.test_client()
    variants = [
        "amina@example.org",
        "AMINA@example.org",
        " Amina@Example.org ",
        "amina@EXAMPLE.ORG",
    ]
    statuses = [_login(client, variants[n % 4], address=f"10.1.0.{n}") for n in range(6)]
    assert statuses == [422] * 5 + [429]
    assert user.email == "amina@example.org"


def test_successful_logins_are_not_counted(limited: Flask) -> None:
    user = make_user()
    db.session.commit()
    for _ in range(8):
        client = limited.test_client()
        assert _login(client, user.email, PASSWORD) == 302


def test_sign_up_and_password_reset_are_limited(limited: Flask) -> None:
    client = limited.test_client()
    sign_ups = [
        client.submit(
            "/register",
            {
                "full_name": "Someone",
                "email": f"new{n}@example.org",
                "password": "a long enough password",
                "confirm": "a long enough password",
            },
        ).status_code
        for n in range(11)
    ]
    assert sign_ups[-1] == 429
    assert 429 not in sign_ups[:10]
    resets = [
        client.submit("/password/forgot", {"email": f"r{n}@example.org"}).status_code
        for n in range(6)
    ]
    assert resets == [200] * 5 + [429]


@pytest.fixture
def shared_redis() -> str:
    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        if os.environ.get("MEETINGS_REQUIRE_REDIS") == "1":
            pytest.fail(f"Redis is not reachable at {REDIS}: {error}")
        pytest.skip(f"Redis is not reachable at {REDIS}")
    return REDIS


@pytest.mark.slow
@pytest.mark.concurrency
def test_gunicorn_workers_share_one_count_through_redis(
    committed: Flask, database_url: str, tmp_path: Path, shared_redis: str
) -> None:
    """Three gunicorn workers, each its own process: with Redis every failure after the fifth
    is refused, whichever worker receives it (with memory:// each worker would allow five)."""
    email = make_user().email
    db.session.commit()
    settings = {
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": str(tmp_path),
        "REDIS_URL": shared_redis,
        "RATELIMIT_ENABLED": "true",
        "RATELIMIT_KEY_PREFIX": f"test-{secrets.token_hex(4)}",
    }
    with serve(settings, workers=3) as url:
        statuses = []
        for _ in range(12):
            browser = requests.Session()  # a new connection each time: spread over workers
            page = browser.get(f"{url}/login", timeout=10).text
            answer = browser.post(
                f"{url}/login",
                data={"email": email, "password": "wrong", "csrf_token": csrf_token(page)},
                timeout=10,
            )
            statuses.append(answer.status_code)
    assert statuses == [422] * 5 + [429] * 7


def test_the_api_is_limited_per_token_with_a_problem_and_retry_after(
    database_url: str, tmp_path: Path
) -> None:
    app = _limited(database_url, tmp_path, API_RATE_LIMIT="3 per minute")
    try:
        client = app.test_client()
        answers = [client.get("/api/v1/rooms") for _ in range(4)]
        assert [a.status_code for a in answers] == [200, 200, 200, 429]
        refused = answers[-1]
        assert refused.headers["Content-Type"] == "application/problem+json"
        assert refused.json["type"].endswith("/too-many-requests")
        assert int(refused.headers["Retry-After"]) > 0
    finally:
        limiter.reset()
        limiter.enabled = False
