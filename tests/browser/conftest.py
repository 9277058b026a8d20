"""Browser tests: the real application served on a loopback port, driven by the system Chromium.

They are skipped, with the reason, when /usr/bin/chromium is missing, unless
MEETINGS_REQUIRE_BROWSER=1 (as in CI), where a missing browser is a failure.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask_migrate import upgrade
from werkzeug.serving import make_server

from meetings.extensions import db
from meetings.reference.services import load_reference_data
from tests.conftest import make_app

CHROMIUM = os.environ.get("MEETINGS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.no_test_transaction)


@pytest.fixture(scope="session")
def browser_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    folder = tmp_path_factory.mktemp("browser")
    url = f"sqlite:///{folder / 'browser.sqlite3'}"
    app = make_app(url, folder / "instance")
    with app.app_context():
        upgrade()
        load_reference_data()
        db.session.commit()
        db.session.remove()
    return app


class LiveServer:
    def __init__(self, app: Flask) -> None:
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)
        self.server.server_close()


@pytest.fixture(scope="session")
def live_server(browser_app: Flask) -> Iterator[LiveServer]:
    with LiveServer(browser_app) as server:
        # Links in e-mails and to payment providers are built from the public address.
        browser_app.config["PUBLIC_URL"] = server.url
        yield server


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        reason = f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium)"
        if os.environ.get("MEETINGS_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any, live_server: LiveServer, tmp_path: Path) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def in_app(browser_app: Flask) -> Iterator[Flask]:
    """An application context on the browser database, to arrange data and check results."""
    with browser_app.app_context():
        yield browser_app
        db.session.remove()


def mail_to(app: Flask, address: str) -> str:
    """The body of the newest message queued for ``address`` (read from the outbox, as the mail
    worker would send it)."""
    import sqlalchemy as sa

    from meetings.mail import OutboxMessage

    with app.app_context():
        body = db.session.scalar(
            sa.select(OutboxMessage.body)
            .where(OutboxMessage.to == address)
            .order_by(OutboxMessage.id.desc())
            .limit(1)
        )
        db.session.remove()
    assert body is not None, f"no mail to {address}"
    return body


def link_in(body: str, path: str) -> str:
    """The path and query of the first link in ``body`` that starts with ``path``."""
    import re
    from urllib.parse import urlsplit

    found = re.search(r"https?://\S+" + re.escape(path) + r"\S*", body)
    assert found, f"no link to {path} in the message"
    parts = urlsplit(found.group(0))
    return parts.path + (f"?{parts.query}" if parts.query else "")


def logged_in(
    browser: Any,
    live_server: LiveServer,
    email: str,
    *,
    width: int = 1280,
    height: int = 800,
    **context_options: Any,
) -> Any:
    """A page of a new browser context (its own cookies), logged in as ``email``."""
    import re

    from tests.conftest import PASSWORD

    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": height}, **context_options
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/dashboard$"))
    return page


def browser_meeting(code: str, title: str, *, open_for_registration: bool = True) -> None:
    """A published meeting a month ahead, whose registration is open (or closed), once."""
    from datetime import timedelta

    from meetings import clock
    from meetings.schedule import services as schedule
    from meetings.schedule.models import MeetingFormat, MeetingKind, MeetingState

    if schedule.meeting_with_code(code) is not None:
        return
    today = clock.now().date()
    process = schedule.get_or_create_process(None, code="POA", title="Programme of Action")
    meeting = schedule.create_meeting(
        None,
        schedule.MeetingData(
            process_id=process.id,
            code=code,
            title=title,
            kind=MeetingKind.OTHER,
            venue="New York",
            timezone="America/New_York",
            start_date=today + timedelta(days=30),
            end_date=today + timedelta(days=34),
            format=MeetingFormat.IN_PERSON,
            registration_opens_on=today - timedelta(days=10),
            registration_deadline=today + timedelta(days=20 if open_for_registration else -1),
        ),
    )
    schedule.change_meeting_state(None, meeting, MeetingState.REGISTRATION_OPEN)
    schedule.set_published(None, meeting, True)
