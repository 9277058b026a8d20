"""Two hosts behind HAProxy, as deployed (tests/support/layout.py): sessions, documents, the
schedule's feeds, rate limits and mail work whichever host answers; a host killed mid-load
leaves the other answering within the health check's interval."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa
from flask import Flask

from meetings import clock
from meetings.auth.models import Role
from meetings.extensions import db
from meetings.reference.services import state_by_code
from meetings.schedule.models import MeetingState
from meetings.schedule.services import change_meeting_state
from tests.factories.auth import PASSWORD, make_user
from tests.factories.registration import PDF
from tests.factories.schedule import make_meeting, make_sitting
from tests.support.gunicorn import csrf_token, registration_form
from tests.support.layout import Layout, production_layout

pytestmark = [pytest.mark.slow, pytest.mark.concurrency]


@pytest.fixture
def layout(committed: Flask, database_url: str, tmp_path: Path) -> Iterator[Layout]:
    today = clock.now().date()
    meeting = make_meeting(
        code="TWO-HOSTS",
        start=today + timedelta(days=60),
        end=today + timedelta(days=64),
        registration=(today - timedelta(days=1), today + timedelta(days=30)),
    )
    change_meeting_state(None, meeting, MeetingState.REGISTRATION_OPEN)
    sitting = make_sitting(meeting, title="Opening of the meeting")
    delegate = make_user(email="hosts@example.org", full_name="Amina Diallo")
    secretariat = make_user(email="desk@example.org", roles=[Role.SECRETARIAT])
    db.session.commit()
    extra = {
        "sitting": sitting.id,
        "delegate": delegate.email,
        "secretariat": secretariat.email,
        "ghana": state_by_code("GH").id,
    }
    db.session.rollback()  # this process holds nothing while the hosts write (SQLite)
    with production_layout(database_url, tmp_path) as running:
        running.extra.update(extra)
        yield running


def _log_in(base: str, email: str, browser: requests.Session | None = None) -> requests.Session:
    browser = browser or requests.Session()
    page = browser.get(f"{base}/login", timeout=10).text
    answer = browser.post(
        f"{base}/login",
        data={"email": email, "password": PASSWORD, "csrf_token": csrf_token(page)},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302, answer.text[:300]
    return browser


def test_two_hosts_behind_the_balancer_act_as_one_site(layout: Layout) -> None:
    app1, app2 = (f"http://{layout.hosts[name]}" for name in ("app1", "app2"))

    # A delegate logs in through the balancer and stays logged in whichever host answers.
    browser = _log_in(layout.url, str(layout.extra["delegate"]))
    served = Counter()
    for _ in range(8):
        answer = browser.get(f"{layout.url}/account", allow_redirects=False, timeout=10)
        assert answer.status_code == 200, answer.status_code
        served[answer.headers["X-Served-By"]] += 1
        assert len(answer.headers["X-Request-ID"]) >= 8
    assert set(served) == {"app1", "app2"}

    # A letter uploaded through host 1 downloads through host 2 (one S3 bucket).
    page = browser.get(f"{app1}/meetings/TWO-HOSTS/register", timeout=10).text
    answer = browser.post(
        f"{app1}/meetings/TWO-HOSTS/register",
        data=registration_form(page, layout.extra["ghana"]),
        files={"nomination_letter": ("letter.pdf", PDF, "application/pdf")},
        allow_redirects=False,
        timeout=30,
    )
    assert answer.status_code == 302, answer.text[:500]
    registration = db.session.scalar(
        sa.text("SELECT id FROM registration WHERE email = :e"), {"e": layout.extra["delegate"]}
    )
    db.session.rollback()
    letter = browser.get(f"{app2}/registrations/{registration}/letter", timeout=10)
    assert letter.status_code == 200
    assert letter.content == PDF

    # The confirmation mail queued on host 1 is sent once, by the Celery worker.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not layout.smtp.received:
        time.sleep(0.2)
    time.sleep(2)  # a second copy would have come by now
    to_delegate = [m for m in layout.smtp.received if m["To"] == layout.extra["delegate"]]
    assert len(to_delegate) == 1, layout.log("worker")[-2000:]

    # A schedule change made on host 1 changes host 2's feed at once.
    feed = f"{app2}/meetings/TWO-HOSTS/calendar.ics"
    first = requests.get(feed, timeout=10)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert requests.get(feed, headers={"If-None-Match": etag}, timeout=10).status_code == 304
    desk = _log_in(app1, str(layout.extra["secretariat"]))
    manage = desk.get(f"{app1}/secretariat/meetings/TWO-HOSTS", timeout=10).text
    cancelled = desk.post(
        f"{app1}/secretariat/sittings/{layout.extra['sitting']}/status",
        data={"csrf_token": csrf_token(manage), "status": "cancelled", "confirmed": "1"},
        allow_redirects=False,
        timeout=10,
    )
    assert cancelled.status_code == 302, cancelled.text[:300]
    changed = requests.get(feed, headers={"If-None-Match": etag}, timeout=10)
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert "STATUS:CANCELLED" in changed.text

    # Failed logins are counted across both hosts (5 a minute per account).
    statuses = []
    for attempt in range(7):
        base = (app1, app2)[attempt % 2]
        guest = requests.Session()
        page = guest.get(f"{base}/login", timeout=10).text
        statuses.append(
            guest.post(
                f"{base}/login",
                data={
                    "email": layout.extra["secretariat"],
                    "password": "not the password",
                    "csrf_token": csrf_token(page),
                },
                timeout=10,
            ).status_code
        )
    assert statuses == [422] * 5 + [429] * 2


def test_a_host_killed_mid_load_leaves_the_other_answering(layout: Layout) -> None:
    outcomes: list[tuple[float, int]] = []
    lock = threading.Lock()
    stop = threading.Event()

    def load() -> None:
        session = requests.Session()
        while not stop.is_set():
            try:
                status = session.get(f"{layout.url}/meetings", timeout=10).status_code
            except requests.RequestException:
                status = 599
            with lock:
                outcomes.append((time.monotonic(), status))

    threads = [threading.Thread(target=load) for _ in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(2)
    killed_at = time.monotonic()
    layout.kill("app1")  # the master and its workers, SIGKILL: no goodbye
    time.sleep(5)
    stop.set()
    for thread in threads:
        thread.join(timeout=20)

    before = [status for moment, status in outcomes if moment < killed_at]
    after = [(moment - killed_at, status) for moment, status in outcomes if moment >= killed_at]
    assert before
    assert set(before) == {200}
    failures = [status for _, status in after if status >= 500]
    # At most the requests in flight on the killed host fail (4 clients); once HAProxy's
    # checks (1 s apart, two failures) take it out, every request is answered by host 2.
    assert len(failures) <= len(threads), Counter(status for _, status in after)
    settled = [status for since, status in after if since > 2.5]
    assert settled
    assert set(settled) == {200}
    answered = requests.get(f"{layout.url}/meetings", timeout=10)
    assert answered.headers["X-Served-By"] == "app2"
