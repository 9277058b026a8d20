"""The authorization matrix of the API: every operation that needs a token, for each role with
a token holding every scope (what the role may do, and no more), and for each operation a token
without its scope (refused, whoever holds it)."""

from __future__ import annotations

from typing import Any

import pytest

from meetings.api.models import Scope
from meetings.auth.models import Role
from meetings.extensions import db
from meetings.fund import donors
from meetings.reference.services import state_by_code
from tests.api.conftest import bearer, token_for
from tests.factories.auth import make_user
from tests.factories.fund import bank_transfer, make_donor
from tests.factories.registration import DURING_REGISTRATION, for_state, make_open_meeting, register

ROLES = (
    "anonymous",
    "delegate",
    "focal point A",
    "focal point B",
    "secretariat",
    "fund",
    "donor",
    "administrator",
)

# (method, path template, the scopes that allow it, body) → outcome per role, in ROLES' order.
MATRIX: list[tuple[str, str, tuple[Scope, ...], dict[str, Any] | None, tuple[int, ...]]] = [
    ("GET", "/api/v1/me", tuple(Scope), None, (401, 200, 200, 200, 200, 200, 200, 200)),
    # A focal point its own delegation; the secretariat (and an administrator) everything.
    (
        "GET",
        "/api/v1/meetings/{code}/registrations",
        (Scope.READ, Scope.REGISTRATIONS),
        None,
        (401, 403, 200, 200, 200, 403, 403, 200),
    ),
    (
        "POST",
        "/api/v1/meetings/{code}/registrations",
        (Scope.REGISTRATIONS,),
        {
            "given_names": "Ama",
            "family_name": "Owusu",
            "functional_title": "Counsellor",
            "gender": "female",
            "email": "ama@example.org",
        },
        (401, 403, 201, 201, 403, 403, 403, 403),
    ),
    # State A's registration: its focal point approves; B is not told it exists.
    (
        "POST",
        "/api/v1/registrations/{waiting}/approve",
        (Scope.REGISTRATIONS,),
        None,
        (401, 404, 200, 404, 422, 404, 404, 422),
    ),
    (
        "GET",
        "/api/v1/meetings/{code}/check-ins",
        (Scope.READ,),
        None,
        (401, 403, 403, 403, 200, 403, 403, 200),
    ),
    (
        "GET",
        "/api/v1/me/contributions",
        (Scope.FUND,),
        None,
        (401, 404, 404, 404, 404, 404, 200, 404),
    ),
    (
        "GET",
        "/api/v1/me/contributions/{contribution}/receipt",
        (Scope.FUND,),
        None,
        (401, 404, 404, 404, 404, 200, 200, 200),
    ),
    (
        "GET",
        "/api/v1/me/contributions/{contribution}/receipt.pdf",
        (Scope.FUND,),
        None,
        (401, 404, 404, 404, 404, 200, 200, 200),
    ),
    (
        "GET",
        "/api/v1/fund/applications",
        (Scope.FUND,),
        None,
        (401, 403, 403, 403, 403, 200, 403, 200),
    ),
    # A State's focal point: its own national reports (an administrator reports for no State).
    (
        "GET",
        "/api/v1/me/reports",
        (Scope.REPORTS, Scope.READ),
        None,
        (401, 403, 200, 200, 403, 403, 403, 403),
    ),
    ("GET", "/api/v1/fund/ledger", (Scope.FUND,), None, (401, 403, 403, 403, 403, 200, 403, 200)),
]


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    from meetings import clock

    monkeypatch.setattr(clock, "now", lambda: DURING_REGISTRATION)
    meeting = make_open_meeting()
    waiting = register(make_user(), meeting, for_state("SL"))
    fund = make_user(roles=[Role.FUND_ADMINISTRATOR])
    donor_account = make_user()
    donor = make_donor()
    donors.link_account(fund, donor, donor_account.email)
    contribution = bank_transfer(donor, actor=fund)
    people = {
        "delegate": make_user(),
        "focal point A": make_user(roles=[Role.FOCAL_POINT], state=state_by_code("SL")),
        "focal point B": make_user(roles=[Role.FOCAL_POINT], state=state_by_code("KE")),
        "secretariat": make_user(roles=[Role.SECRETARIAT]),
        "fund": fund,
        "donor": donor_account,
        "administrator": make_user(roles=[Role.ADMIN]),
    }
    db.session.commit()
    return {
        "people": people,
        "values": {"code": meeting.code, "waiting": waiting.id, "contribution": contribution.id},
    }


def _call(
    api: Any, method: str, path: str, body: dict[str, Any] | None, headers: dict[str, str]
) -> int:
    response = api.open(path, method=method, json=body, headers=headers)
    status = response.status_code
    response.close()
    assert status < 500, response.get_data(as_text=True)[:300]
    return status


def _as(api: Any, connection: Any, world: dict[str, Any], role: str, scopes: Any, row: Any) -> int:
    """The status ``role`` gets with a token of ``scopes`` (none for the anonymous), rolled back."""
    method, template, _allowing, body, _expected = row
    savepoint = connection.begin_nested()
    try:
        headers = {} if role == "anonymous" else bearer(token_for(world["people"][role], scopes))
        return _call(api, method, template.format(**world["values"]), body, headers)
    finally:
        savepoint.rollback()
        db.session.expire_all()


@pytest.mark.parametrize("row", MATRIX, ids=[m[1] + " " + m[0] for m in MATRIX])
def test_every_token_operation_answers_each_role_as_the_matrix_says(
    api, connection, world, row
) -> None:
    found = tuple(_as(api, connection, world, role, tuple(Scope), row) for role in ROLES)
    assert found == row[4], dict(zip(ROLES, found, strict=True))


@pytest.mark.parametrize("row", MATRIX, ids=[m[1] + " " + m[0] for m in MATRIX])
def test_a_token_without_the_operations_scope_is_refused(api, connection, world, row) -> None:
    others = [scope for scope in Scope if scope not in row[2]]
    if not others:
        return  # any token may say whom it acts for (/me)
    for role in ROLES[1:]:
        assert _as(api, connection, world, role, others, row) == 403, (role, row[1])
