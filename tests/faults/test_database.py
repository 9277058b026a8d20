"""Faults: a database that is unreachable, goes away and comes back."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlalchemy as sa
import sqlalchemy.exc as sa_exc
from flask import Flask
from werkzeug.test import TestResponse

from meetings import create_app
from meetings.auth.models import Role
from meetings.extensions import db, login_manager
from tests.conftest import make_app
from tests.factories.auth import PASSWORD, make_user
from tests.support import Client
from tests.support.proxy import Relay

UNREACHABLE = "postgresql+psycopg://nobody@127.0.0.1:1/none"


def _is_the_503_page(response: TestResponse) -> None:
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert "Service unavailable" in page
    assert "try again shortly" in page
    assert "psycopg" not in page
    assert "Traceback" not in page
    assert "sqlite" not in page


@pytest.mark.no_test_transaction
@pytest.mark.parametrize("path", ["/meetings", "/meetings/POA-REVCON3", "/fund/contribute"])
def test_an_unreachable_database_gets_the_503_page_not_a_500(tmp_path: Path, path: str) -> None:
    app = create_app(
        {"ENV_NAME": "testing", "INSTANCE_PATH": str(tmp_path), "DATABASE_URL": UNREACHABLE}
    )
    _is_the_503_page(app.test_client().get(path))


def test_the_503_page_does_not_ask_the_database_who_is_logged_in(
    client, login, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    login(Role.DELEGATE)

    def database_gone(*_args: object) -> None:
        raise sa_exc.OperationalError("SELECT 1", {}, ConnectionRefusedError("gone"))

    # The account is loaded lazily: the first to ask (the error page, here) would fail too.
    monkeypatch.setattr(login_manager, "_user_callback", database_gone)
    monkeypatch.setattr("meetings.registration.queries.my_registrations", database_gone)
    monkeypatch.setattr("meetings.home.views.my_registrations", database_gone)
    _is_the_503_page(client.get("/dashboard"))


@pytest.mark.concurrency
@pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="a database server to cut off: PostgreSQL",
)
def test_the_app_recovers_by_itself_when_the_database_returns(
    tmp_path: Path, database_url: str, committed: Flask
) -> None:
    user = make_user(email="relay@example.org")
    db.session.commit()
    url = sa.engine.make_url(database_url)
    relay = Relay(url.host or "127.0.0.1", url.port or 5432).start()
    through_relay = url.set(host="127.0.0.1", port=relay.port)
    app = make_app(through_relay.render_as_string(hide_password=False), tmp_path)
    app.test_client_class = Client
    client = app.test_client()
    try:
        assert (
            client.submit("/login", {"email": user.email, "password": PASSWORD}).status_code == 302
        )
        assert client.get("/dashboard").status_code == 200
        assert client.get("/healthz").status_code == 200

        relay.cut()
        _is_the_503_page(client.get("/meetings"))
        _is_the_503_page(client.get("/dashboard"))  # loading the account fails: still the page
        assert client.get("/healthz").get_json() == {
            "status": "unavailable",
            "database": "unreachable",
        }

        relay.start()  # the same address answers again; no restart of the application
        assert client.get("/healthz").status_code == 200
        assert client.get("/dashboard").status_code == 200
    finally:
        relay.cut()
        with app.app_context():
            db.engine.dispose()
