"""Contract tests generated from the OpenAPI document (schemathesis): every operation, for a
visitor without a token and for each kind of token holder, with generated parameters and
bodies — never a 500, only documented statuses, and every response matching its schema."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from meetings.auth.models import Role
from meetings.extensions import db
from meetings.reference.services import state_by_code
from tests.api.conftest import token_for
from tests.factories.auth import make_user
from tests.factories.fund import bank_transfer, make_donor
from tests.factories.registration import make_open_meeting
from tests.factories.schedule import make_sitting

CODE = "API-CONTRACT"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
HOLDERS = ("anonymous", "focal point", "secretariat", "fund administrator", "donor")


@pytest.fixture
def api_schema(app: Any, connection: Any) -> Any:
    meeting = make_open_meeting(code=CODE)
    make_sitting(meeting, number=1)
    bank_transfer(make_donor())
    db.session.commit()
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@pytest.fixture
def holders(api_schema: Any) -> dict[str, dict[str, str]]:
    """Each kind of reader's headers: none, or a token with every scope."""
    people = {
        "focal point": make_user(roles=[Role.FOCAL_POINT], state=state_by_code("SL")),
        "secretariat": make_user(roles=[Role.SECRETARIAT]),
        "fund administrator": make_user(roles=[Role.FUND_ADMINISTRATOR]),
        "donor": make_user(),
    }
    found = {name: {"Authorization": f"Bearer {token_for(user)}"} for name, user in people.items()}
    return {"anonymous": {}, **found}


def test_every_operation_keeps_its_contract(
    api_schema: Any, holders: dict[str, dict[str, str]]
) -> None:
    """Each operation of the document, twelve generated cases, each sent as every holder.
    (Driven through hypothesis here rather than schemathesis' pytest plugin, which does not
    run under pytest 9.)"""
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 20
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=12,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def keeps(case: Any) -> None:
            if case.path_parameters and "code" in case.path_parameters:
                case.path_parameters["code"] = CODE  # a meeting that exists: its lists too
            for holder in HOLDERS:
                case.call_and_validate(headers=holders[holder], checks=CHECKS)

        keeps()
