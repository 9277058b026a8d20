"""A gunicorn worker killed with SIGKILL in the middle of a registration submit: no partial
rows, the orphan file is swept, and the person can retry."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa
from flask import Flask, current_app

from meetings import clock
from meetings.documents.backends import key_of, open_storage, read
from meetings.documents.models import Document
from meetings.extensions import db
from meetings.reference.services import state_by_code
from meetings.registration.models import Registration
from meetings.schedule.models import MeetingState
from meetings.schedule.services import change_meeting_state
from tests.factories.auth import PASSWORD, make_user
from tests.factories.registration import PDF
from tests.factories.schedule import make_meeting
from tests.support.documents import stored_keys
from tests.support.gunicorn import csrf_token, registration_form, serve
from tests.support.s3 import Storages

pytestmark = [pytest.mark.slow, pytest.mark.concurrency]


@dataclass
class Served:
    url: str
    pause: Path


@pytest.fixture
def gunicorn(
    committed: Flask,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    storages: Storages,
) -> Iterator[Served]:
    pause = tmp_path / "pause"
    # A storage of its own, shared with the server: the sweep below sees this test's files only.
    url = storages.new("killed")
    monkeypatch.setitem(committed.extensions, "meetings_storage", open_storage(url))
    settings = {
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": committed.instance_path,
        "STORAGE_URL": url,
        "TEST_PAUSE_FILE": str(pause),
    }
    with serve(settings) as url:
        yield Served(url=url, pause=pause)


def _counts(email: str) -> tuple[int, int]:
    db.session.rollback()
    registrations = db.session.scalar(
        sa.select(sa.func.count()).select_from(Registration).where(Registration.email == email)
    )
    documents = db.session.scalar(sa.select(sa.func.count()).select_from(Document))
    db.session.rollback()  # hold no read lock (SQLite) while the server writes
    return registrations or 0, documents or 0


def test_a_worker_killed_mid_submit_leaves_nothing_half_saved(gunicorn: Served) -> None:
    today = clock.now().date()
    meeting = make_meeting(
        code="KILL-1",
        start=today + timedelta(days=60),
        end=today + timedelta(days=64),
        registration=(today - timedelta(days=1), today + timedelta(days=30)),
    )
    change_meeting_state(None, meeting, MeetingState.REGISTRATION_OPEN)
    email = make_user(email="killed@example.org", full_name="Amina Diallo").email
    db.session.commit()
    ghana = state_by_code("GH").id
    # Between requests this process holds no transaction: on SQLite it would hold the lock the
    # server needs to write (nothing below touches a loaded object, which would reload it).
    db.session.rollback()
    files_before = stored_keys()
    documents_before = _counts(email)[1]

    browser = requests.Session()
    login_page = browser.get(f"{gunicorn.url}/login", timeout=10).text
    response = browser.post(
        f"{gunicorn.url}/login",
        data={"email": email, "password": PASSWORD, "csrf_token": csrf_token(login_page)},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302

    def submit() -> requests.Response:
        page = browser.get(f"{gunicorn.url}/meetings/KILL-1/register", timeout=10).text
        return browser.post(
            f"{gunicorn.url}/meetings/KILL-1/register",
            data=registration_form(page, ghana),
            files={"nomination_letter": ("letter.pdf", PDF, "application/pdf")},
            allow_redirects=False,
            timeout=60,
        )

    gunicorn.pause.touch()
    outcome: list[object] = []
    request = threading.Thread(target=lambda: outcome.append(_attempt(submit)))
    request.start()
    reached = Path(f"{gunicorn.pause}.reached")
    for _ in range(600):
        if reached.exists() and reached.read_text():
            break
        if outcome:  # the request ended before the upload: say how
            answer = outcome[0]
            detail = getattr(answer, "status_code", answer)
            pytest.fail(f"the submit ended before the upload: {detail}")
        time.sleep(0.05)
    else:
        pytest.fail("the submit never reached the upload")
    os.kill(int(reached.read_text()), signal.SIGKILL)
    request.join(timeout=30)
    assert outcome, "the request did not end"
    assert not isinstance(outcome[0], requests.Response) or outcome[0].status_code >= 500

    # Nothing of the registration was saved; the letter's file is an orphan, swept.
    assert _counts(email) == (0, documents_before)
    orphans = stored_keys() - files_before
    assert len(orphans) == 1
    swept = _flask(["documents", "sweep", "--grace", "0"])
    assert "1 orphan file(s)" in swept
    assert stored_keys() == files_before

    # The master has started a new worker: the person submits again, and it is all there.
    gunicorn.pause.unlink()
    reached.unlink()
    for _ in range(100):
        retried = _attempt(submit)
        if isinstance(retried, requests.Response):
            break
        time.sleep(0.1)
    assert isinstance(retried, requests.Response)
    assert retried.status_code == 302, retried.text[:500]
    assert _counts(email) == (1, documents_before + 1)
    stored = db.session.scalar(
        sa.select(Document.stored_name)
        .join(Registration, Registration.nomination_letter_id == Document.id)
        .where(Registration.email == email)
    )
    assert stored is not None
    assert read(current_app.extensions["meetings_storage"], key_of(stored)) == PDF


def _attempt(submit: object) -> object:
    try:
        return submit()  # type: ignore[operator]
    except requests.RequestException as error:
        return error


def _flask(arguments: list[str]) -> str:
    result = current_app.test_cli_runner().invoke(args=arguments)
    db.session.rollback()  # the command ran in this process's session: end its transaction
    assert result.exit_code == 0, result.output
    return result.output
