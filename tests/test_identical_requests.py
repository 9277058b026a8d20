"""Identical requests at the same moment (a double click, a browser's retry, two people) get a
plain answer, never an error page: a unique key that refuses the second is said as "done
already"; a deadlock or a lost serializable transaction is run again."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
import sqlalchemy.exc as sa_exc
from flask import Flask

from meetings.auth.models import User
from meetings.errors import Conflict
from meetings.extensions import db
from meetings.forms import perform
from tests.support import Client


class _Orig(Exception):
    def __init__(self, sqlstate: str, text: str = "") -> None:
        super().__init__(text)
        self.sqlstate = sqlstate


def test_a_duplicate_refused_by_a_unique_key_is_said_plainly(app: Flask) -> None:
    def duplicate() -> None:
        raise sa_exc.IntegrityError("INSERT", {}, _Orig("23505", "duplicate key"))

    with app.test_request_context():
        outcome = perform(duplicate)
    assert isinstance(outcome.error, Conflict)
    assert "done already" in outcome.error.message


def test_another_integrity_error_is_a_defect_not_a_duplicate(app: Flask) -> None:
    def broken() -> None:
        raise sa_exc.IntegrityError("INSERT", {}, _Orig("23514", "check constraint"))

    with app.test_request_context(), pytest.raises(sa_exc.IntegrityError):
        perform(broken)


def test_a_deadlock_is_run_again(app: Flask) -> None:
    attempts: list[int] = []

    def sometimes() -> str:
        attempts.append(1)
        if len(attempts) < 3:
            raise sa_exc.OperationalError("UPDATE", {}, _Orig("40P01", "deadlock detected"))
        return "done"

    with app.test_request_context():
        outcome = perform(sometimes)
    assert outcome.value == "done"
    assert len(attempts) == 3


def test_a_database_that_is_down_is_not_retried(app: Flask) -> None:
    attempts: list[int] = []

    def down() -> None:
        attempts.append(1)
        raise sa_exc.OperationalError("SELECT", {}, _Orig("08006", "connection failure"))

    with app.test_request_context(), pytest.raises(sa_exc.OperationalError):
        perform(down)
    assert len(attempts) == 1


def _at_once(app: Flask, count: int, request) -> list[int]:  # type: ignore[no-untyped-def]
    barrier = threading.Barrier(count)
    statuses: list[int] = []
    lock = threading.Lock()

    def one() -> None:
        app.test_client_class = Client
        client = app.test_client()
        token = client.csrf_token()  # type: ignore[attr-defined]
        barrier.wait()
        status = request(client, token)
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=one) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses


@pytest.mark.concurrency
def test_twenty_sign_ups_with_one_address_make_one_account_and_no_error_page(
    committed: Flask,
) -> None:
    def sign_up(client, token) -> int:  # type: ignore[no-untyped-def]
        response = client.post(
            "/register",
            data={
                "csrf_token": token,
                "full_name": "Racing Person",
                "email": "racer@example.org",
                "password": "correct horse battery staple",
                "confirm": "correct horse battery staple",
            },
        )
        return response.status_code

    statuses = _at_once(committed, 20, sign_up)
    assert len(statuses) == 20
    assert set(statuses) <= {200, 409, 422}, statuses
    db.session.expire_all()
    accounts = db.session.scalar(
        sa.select(sa.func.count()).select_from(User).where(User.email == "racer@example.org")
    )
    assert accounts == 1
