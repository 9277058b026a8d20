"""The API's lists ask the database a fixed number of times, however long the list: a page of
registrations, check-ins, sittings and the ledger with few rows as with many."""

from __future__ import annotations

from datetime import time

from meetings.auth.models import Role
from meetings.extensions import db
from tests.api.conftest import bearer, token_for
from tests.factories.auth import make_user
from tests.factories.fund import bank_transfer, make_donor
from tests.factories.registration import DURING_REGISTRATION, for_state, make_open_meeting, register
from tests.factories.schedule import make_sitting

STATES = ("GH", "KE", "PE", "NG", "SN", "CL", "FJ", "NP", "UY", "JM")


def _grow(meeting, start: int, count: int) -> None:
    for number in range(start, start + count):
        register(make_user(), meeting, for_state(STATES[number % len(STATES)]))
        make_sitting(meeting, number=number + 1, start=time(8), end=time(9))
        bank_transfer(make_donor())
    db.session.commit()


def _counts(api, queries, urls: list[str], headers: dict[str, str]) -> list[int]:
    found = []
    for url in urls:
        with queries() as counted:
            assert api.get(url, headers=headers).status_code == 200, url
        found.append(counted.count)
    return found


def test_api_lists_ask_a_fixed_number_of_times(api, queries, monkeypatch) -> None:
    from meetings import clock

    monkeypatch.setattr(clock, "now", lambda: DURING_REGISTRATION)
    meeting = make_open_meeting()
    _grow(meeting, 0, 3)
    desk = make_user(roles=[Role.ADMIN])
    headers = bearer(token_for(desk))
    urls = [
        f"/api/v1/meetings/{meeting.code}/registrations?limit=20",
        f"/api/v1/meetings/{meeting.code}/check-ins?limit=20",
        f"/api/v1/meetings/{meeting.code}/sittings?limit=20",
        "/api/v1/fund/ledger?limit=20",
        "/api/v1/meetings?limit=20",
    ]
    api.get("/api/v1/me", headers=headers)  # the token's first use is written once, not counted
    small = _counts(api, queries, urls, headers)
    _grow(meeting, 3, 30)
    assert _counts(api, queries, urls, headers) == small
