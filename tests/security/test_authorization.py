"""The authorization matrix: every route × every role × an object that is someone else's, each
cell with its expected outcome, and a refused request changing nothing."""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa
from flask import Flask

from meetings.extensions import db
from tests.security import harness, world
from tests.security.matrix import EXPECTED

REFUSED = {harness.LOGIN, harness.FORBIDDEN, harness.MISSING, harness.BAD}


def _observe(
    connection: sa.Connection,
    visitor: harness.Visitor,
    cell: harness.Cell,
    body: dict[str, str],
    *,
    refused: bool,
) -> tuple[str, bool]:
    """The outcome of one request, and whether the data stayed as it was; rolled back after."""
    savepoint = connection.begin_nested()
    try:
        before = harness.snapshot(connection) if refused and cell.method != "GET" else None
        found = harness.outcome(visitor.request(cell, body))
        unchanged = before is None or harness.snapshot(connection) == before
    finally:
        savepoint.rollback()
        db.session.expire_all()
    return found, unchanged


@pytest.mark.parametrize("role", world.ROLES)
def test_every_route_answers_each_role_as_the_matrix_says(
    app: Flask, connection: sa.Connection, built: world.World, role: str
) -> None:
    column = world.ROLES.index(role)
    visitor = harness.Visitor(app, built.accounts[role])
    missing, wrong, changed = [], [], []
    for cell in harness.cells(app, built.arguments, built.overrides):
        row = EXPECTED.get((cell.endpoint, cell.method))
        if row is None:
            missing.append(f"({cell.endpoint!r}, {cell.method!r})")
            continue
        expected = row[column]
        found, unchanged = _observe(
            connection, visitor, cell, built.body, refused=expected in REFUSED
        )
        if found != expected:
            wrong.append(f"{cell.method} {cell.path} ({cell.endpoint}): {found}, not {expected}")
        if not unchanged:
            changed.append(f"{cell.method} {cell.path}: refused ({found}) yet data changed")
    assert not missing, "routes without a row in tests/security/matrix.py: " + ", ".join(missing)
    assert not wrong, "\n".join(wrong)
    assert not changed, "\n".join(changed)


def test_every_row_of_the_matrix_is_a_route(app: Flask) -> None:
    routes = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    }
    assert set(EXPECTED) - routes == set()


@pytest.mark.skipif(not os.environ.get("MEETINGS_DISCOVER_MATRIX"), reason="prints the matrix")
def test_print_the_observed_matrix(
    app: Flask, connection: sa.Connection, built: world.World
) -> None:
    """MEETINGS_DISCOVER_MATRIX=1 pytest -s -k observed: the outcomes as they are, to review."""
    visitors = {role: harness.Visitor(app, built.accounts[role]) for role in world.ROLES}
    for cell in harness.cells(app, built.arguments, built.overrides):
        row = [
            _observe(connection, visitors[r], cell, built.body, refused=False)[0]
            for r in world.ROLES
        ]
        print(f"{cell.endpoint:42} {cell.method:5} " + " ".join(f"{o:5}" for o in row))
