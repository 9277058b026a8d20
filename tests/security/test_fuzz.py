"""No 500 on any input: hypothesis sends every form, every URL argument and the query strings odd
values (huge numbers, other scripts' digits, NUL, RTL marks, 100,000 characters, impossible dates,
files where text is expected and text where files are) as each kind of user, and every answer
must be below 500. Run on SQLite and PostgreSQL (make test, make test-postgres)."""

from __future__ import annotations

import io
import os
import re
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context

from meetings.extensions import db
from tests.security import harness, world

ODD_TEXT = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "-1",
            "1.5",
            "1e309",
            "NaN",
            "2147483648",
            str(2**63),
            "9" * 40,
            "²",
            "٣٤",  # Arabic-Indic digits: isdigit() says yes, int() says yes, the database says no
            "\u202e\u200fabc",  # right-to-left override and mark
            "\x00",
            "a\x00b",
            "x" * 100_000,
            "2018-02-30",
            "0001-01-01",
            "9999-12-31",
            "25:61",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            '=HYPERLINK("http://evil.example")',
            "../../etc/passwd",
            "%s%n",
            "true",
            "USD",
            "XXX",
        ]
    ),
    st.text(max_size=40),
)
ODD_FILE = st.tuples(
    st.binary(max_size=600),
    st.sampled_from(["letter.pdf", "a\u202egpj.exe", "", "x" * 300 + ".pdf", "../up.pdf"]),
)
# Who sends: a visitor, a focal point (their own State's pages), an administrator (every page).
SENDERS = ("anonymous", "focal point A", "administrator")
NAME = re.compile(r'\bname="([^"]+)"')


@pytest.fixture
def fuzz(app: Flask, connection: sa.Connection, built: world.World) -> dict[str, Any]:
    visitors = {who: harness.Visitor(app, built.accounts[who]) for who in SENDERS}
    all_cells = list(harness.cells(app, built.arguments, built.overrides))
    fields: set[str] = set(harness.BODY)
    for cell in all_cells:
        if cell.method == "GET" and cell.endpoint != "static":
            for who in ("focal point A", "administrator"):
                response = _send(connection, visitors[who], cell, None)
                fields.update(NAME.findall(response.get_data().decode("utf-8", "replace")))
    fields.discard("csrf_token")
    return {
        "visitors": visitors,
        "posts": [c for c in all_cells if c.method == "POST" and c.endpoint != "static"],
        "gets": [c for c in all_cells if c.method == "GET" and c.endpoint != "static"],
        "fields": sorted(fields),
        "connection": connection,
        "world": built,
    }


def _send(
    connection: sa.Connection,
    visitor: harness.Visitor,
    cell: harness.Cell,
    data: Any,
    *,
    path: str | None = None,
) -> Any:
    savepoint = connection.begin_nested()
    try:
        if cell.method == "GET" or data is None:
            visitor.client.set_cookie("session", visitor.session or "")
            response = visitor.client.get(path or cell.path)
        else:
            visitor.client.set_cookie("session", visitor.session or "")
            response = visitor.client.post(
                path or cell.path, data=data, content_type="multipart/form-data"
            )
        response.get_data()
        response.close()
    finally:
        savepoint.rollback()
        db.session.expire_all()
    assert response.status_code < 500, f"{cell.method} {path or cell.path}: {response.status_code}"
    if currently_in_test_context():
        event(f"{cell.method} answered {response.status_code}")
    return response


FUZZ = settings(
    max_examples=int(os.environ.get("MEETINGS_FUZZ_EXAMPLES", "250")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(data=st.data())
def test_no_form_answers_odd_values_with_a_500(fuzz: dict[str, Any], data: st.DataObject) -> None:
    cell = data.draw(st.sampled_from(fuzz["posts"]), label="route")
    who = data.draw(st.sampled_from(SENDERS), label="who")
    names = data.draw(st.lists(st.sampled_from(fuzz["fields"]), max_size=12, unique=True))
    body: dict[str, Any] = {"csrf_token": fuzz["visitors"][who].token}
    for name in names:
        if data.draw(st.booleans(), label=f"{name} as a file"):
            content, filename = data.draw(ODD_FILE, label=name)
            body[name] = (io.BytesIO(content), filename)
        elif data.draw(st.booleans(), label=f"{name} repeated"):
            body[name] = data.draw(st.lists(ODD_TEXT, min_size=2, max_size=3), label=name)
        else:
            body[name] = data.draw(ODD_TEXT, label=name)
    _send(fuzz["connection"], fuzz["visitors"][who], cell, body)


ODD_SEGMENT = st.sampled_from(
    [
        "0",
        "-1",
        "2147483648",
        "9" * 40,
        "%C2%B2",
        "%D9%A3",
        "%00",
        "a%00b",
        "%E2%80%AE",
        "x" * 5000,
        "..%2F..%2Fetc",
        "%FF%FE",
        "1.0",
        " 1",
    ]
)


@FUZZ
@given(data=st.data())
def test_no_url_answers_odd_arguments_with_a_500(fuzz: dict[str, Any], data: st.DataObject) -> None:
    cell = data.draw(st.sampled_from(fuzz["gets"] + fuzz["posts"]), label="route")
    who = data.draw(st.sampled_from(SENDERS), label="who")
    segments = cell.path.split("/")
    position = data.draw(st.integers(min_value=1, max_value=max(1, len(segments) - 1)))
    segments[position] = data.draw(ODD_SEGMENT, label="segment")
    path = "/".join(segments)
    body = None if cell.method == "GET" else {"csrf_token": fuzz["visitors"][who].token}
    _send(fuzz["connection"], fuzz["visitors"][who], cell, body, path=path)


QUERY_NAMES = (
    "page",
    "q",
    "meeting",
    "status",
    "category",
    "state",
    "group",
    "gender",
    "room",
    "day",
    "kind",
    "who",
    "since",
    "until",
    "donor",
    "flagged",
    "next",
    "lang",
    "year",
)


@FUZZ
@given(data=st.data())
def test_no_page_answers_an_odd_query_string_with_a_500(
    fuzz: dict[str, Any], data: st.DataObject
) -> None:
    cell = data.draw(st.sampled_from(fuzz["gets"]), label="route")
    who = data.draw(st.sampled_from(SENDERS), label="who")
    names = data.draw(st.lists(st.sampled_from(QUERY_NAMES), min_size=1, max_size=4, unique=True))
    query = "&".join(f"{name}={data.draw(ODD_SEGMENT, label=name)}" for name in names)
    _send(fuzz["connection"], fuzz["visitors"][who], cell, None, path=f"{cell.path}?{query}")
