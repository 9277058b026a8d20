"""Test helpers that are not fixtures: a client that sends CSRF tokens, a query counter."""

from __future__ import annotations

import contextvars
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import has_app_context
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from werkzeug.test import TestResponse

from meetings.extensions import db

IGNORED_STATEMENTS = re.compile(
    r"^\s*(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT|BEGIN)", re.I
)


class Client(FlaskClient):
    """Each request runs in a context of its own, as in production: a fresh application context
    (so ``g`` and the per-request database session start empty), and the test's own session is
    expired afterwards so that it reads what the request committed."""

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        def request() -> TestResponse:
            response = super(Client, self).open(*args, **kwargs)
            # A streamed body is read here, inside the request's own context, which it keeps
            # open until the last chunk; ``was_streamed`` records that it was streamed.
            response.was_streamed = response.is_streamed  # type: ignore[attr-defined]
            if response.is_streamed:
                response.get_data()
            return response

        response = contextvars.Context().run(request)
        if has_app_context():  # not when werkzeug follows a redirect from inside open()
            db.session.expire_all()
        # Werkzeug's test client spools a large multipart body to a temporary file it never
        # closes; close it here so that only the application's own leaks would warn.
        body = response.request.environ.get("wsgi.input")
        if body is not None and not isinstance(body, io.BytesIO):
            body.close()
        return response

    def csrf_token(self) -> str:
        """A valid token for this client's session, made the way Flask-WTF makes it."""
        import secrets

        with self.session_transaction() as session:
            raw = session.get("csrf_token")
            if raw is None:
                raw = session["csrf_token"] = secrets.token_hex(20)
        serializer = URLSafeTimedSerializer(self.application.secret_key, salt="wtf-csrf-token")
        return str(serializer.dumps(raw))

    def submit(self, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> TestResponse:
        """POST a form with a valid CSRF token."""
        payload = dict(data or {})
        payload.setdefault("csrf_token", self.csrf_token())
        return self.post(url, data=payload, **kwargs)


@dataclass
class QueryCounter:
    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.statements)

    def __str__(self) -> str:
        return "\n".join(f"{i + 1}. {s}" for i, s in enumerate(self.statements))


@contextmanager
def count_queries(connection_or_engine: Any) -> Iterator[QueryCounter]:
    counter = QueryCounter()

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not IGNORED_STATEMENTS.match(statement):
            counter.statements.append(" ".join(statement.split())[:300])

    target = connection_or_engine
    sa.event.listen(target, "before_cursor_execute", before)
    try:
        yield counter
    finally:
        sa.event.remove(target, "before_cursor_execute", before)


def form_errors(response: TestResponse) -> list[str]:
    """The messages shown beside fields and in the error summary of a rendered form."""
    html = response.get_data(as_text=True)
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", m)).strip()
        for m in re.findall(r'<p class="error"[^>]*>(.*?)</p>', html, re.S)
    ]


def page_query_counts(client: Any, queries: Any, urls: list[str]) -> list[int]:
    """How many statements each page sends (each must answer 200)."""
    found = []
    for url in urls:
        with queries() as counted:
            assert client.get(url).status_code == 200, url
        found.append(counted.count)
    return found
