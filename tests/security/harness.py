"""Walking every route of the application as each role, each request in a savepoint that is rolled
back afterwards, so that every request meets the same world."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Flask
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

from meetings.auth.models import User
from meetings.db import Base
from tests.conftest import PASSWORD
from tests.support import Client

OK, LOGIN, FORBIDDEN, MISSING, BAD = "ok", "login", "403", "404", "400"

# A body that gives an unguarded route something to act on: if a refused request got through,
# these would change a status, a role, an amount.
BODY = {
    "target": "approved",
    "status": "accepted",
    "reason": "Because.",
    "active": "0",
    "role": "admin",
    "email": "someone@example.org",
    "amount": "100",
    "currency": "USD",
    "token": "x",
    "language": "fr",
    "published": "1",
    "state": "closed",
}


@dataclass(frozen=True)
class Cell:
    endpoint: str
    method: str
    path: str


def cells(
    app: Flask, arguments: dict[str, Any], overrides: dict[str, dict[str, Any]]
) -> Iterator[Cell]:
    rules: list[Rule] = sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule)
    for rule in rules:
        chosen = {**arguments, **overrides.get(rule.endpoint, {})}
        values = {name: chosen[name] for name in rule.arguments}
        with app.test_request_context():
            path = app.url_for(rule.endpoint, **values)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            yield Cell(rule.endpoint, method, path)


def outcome(response: TestResponse) -> str:
    code = response.status_code
    response.close()  # a file sent from disk is closed here, read or not
    assert code < 500, f"{code}: {response.get_data(as_text=True)[:300]}"
    if code in (301, 302, 303, 307, 308):
        return LOGIN if urlsplit(response.headers["Location"]).path == "/login" else OK
    if code == 401:
        return LOGIN
    if code == 403:
        return FORBIDDEN
    if code == 404:
        return MISSING
    if code == 400:
        return BAD
    return OK


def snapshot(connection: sa.Connection) -> tuple[Any, ...]:
    """How many rows each table holds, and the latest change of each table that records one:
    a refused request must leave both as they were."""
    parts = []
    for table in Base.metadata.sorted_tables:
        changed = table.c.get("updated_at")
        parts.append(
            sa.select(
                sa.literal(table.name),
                sa.func.count(),
                sa.func.max(changed).cast(sa.String) if changed is not None else sa.null(),
            ).select_from(table)
        )
    return tuple(connection.execute(sa.union_all(*parts)).all())


class Visitor:
    """A client logged in as one account (or none), whose session is restored before each
    request (a logout or a language change does not carry over to the next request)."""

    def __init__(self, app: Flask, account: User | None) -> None:
        app.test_client_class = Client
        self.client: Client = app.test_client()  # type: ignore[assignment]
        if account is not None:
            response = self.client.submit("/login", {"email": account.email, "password": PASSWORD})
            assert response.status_code == 302, account.email
        self.token = self.client.csrf_token()
        cookie = self.client.get_cookie("session")
        self.session = cookie.value if cookie is not None else None

    def request(self, cell: Cell, body: dict[str, str] | None = None) -> TestResponse:
        """``body`` is added to the common BODY (ids of the world's objects, say)."""
        self.client.delete_cookie("session")
        if self.session is not None:
            self.client.set_cookie("session", self.session)
        if cell.method == "GET":
            return self.client.get(cell.path)
        data = {**BODY, **(body or {})}
        data.setdefault("csrf_token", self.token)
        return self.client.open(cell.path, method=cell.method, data=data)


def html_pages(
    app: Flask, connection: sa.Connection, built: Any, visitor: Visitor
) -> Iterator[tuple[Cell, TestResponse, str]]:
    """Every GET page of the application as ``visitor`` is served it, each asked inside a
    savepoint rolled back after (a page may write: a visit, a token), with its HTML. Answers
    that are not HTML are left out."""
    from meetings.extensions import db

    for cell in cells(app, built.arguments, built.overrides):
        if cell.method != "GET" or cell.endpoint == "static":
            continue
        savepoint = connection.begin_nested()
        try:
            response = visitor.request(cell)
            body = response.get_data()
            response.close()
        finally:
            savepoint.rollback()
            db.session.expire_all()
        if response.content_type.startswith("text/html"):
            yield cell, response, body.decode("utf-8")
