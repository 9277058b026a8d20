"""Every request has an id: the proxy's X-Request-ID when it is a sane one, one of ours otherwise;
returned in the response, shown on error pages, on every log line (JSON in production)."""

from __future__ import annotations

import json
import logging

from flask import Flask

from meetings.observability import JsonFormatter, RequestIdFilter


def test_a_request_gets_an_id_and_a_sane_one_from_the_proxy_is_kept(client) -> None:
    made = client.get("/healthz").headers["X-Request-ID"]
    assert len(made) == 32
    assert client.get("/healthz").headers["X-Request-ID"] != made
    given = client.get("/healthz", headers={"X-Request-ID": "haproxy-4f2a-0001"})
    assert given.headers["X-Request-ID"] == "haproxy-4f2a-0001"
    forged = client.get("/healthz", headers={"X-Request-ID": "x\\nInjected: 1"})
    assert forged.headers["X-Request-ID"] != "x\\nInjected: 1"
    assert len(forged.headers["X-Request-ID"]) == 32


def test_an_error_page_shows_the_reference_to_quote(client) -> None:
    response = client.get("/no/such/page", headers={"X-Request-ID": "ref-12345678"})
    assert response.status_code == 404
    assert "ref-12345678" in response.get_data(as_text=True)


def test_a_log_line_carries_the_request_id_as_json(app: Flask) -> None:
    record = logging.LogRecord("meetings", logging.INFO, __file__, 1, "hello %s", ("you",), None)
    with app.test_request_context(headers={"X-Request-ID": "line-0000001"}):
        RequestIdFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "hello you"
    assert line["request_id"] == "line-0000001"
    assert line["level"] == "INFO"
    outside = logging.LogRecord("meetings", logging.INFO, __file__, 1, "boot", (), None)
    RequestIdFilter().filter(outside)
    assert json.loads(JsonFormatter().format(outside))["request_id"] == "-"


def test_what_goes_to_sentry_carries_no_personal_data() -> None:
    from meetings.observability import scrub

    event = {
        "user": {"email": "amina@example.org", "ip_address": "198.51.100.7"},
        "request": {
            "url": "https://meetings.example.org/registrations/12",
            "cookies": {"session": "abc"},
            "data": {"given_names": "Amina", "passport_number": "X1234567"},
            "query_string": "email=amina@example.org",
            "headers": {"Cookie": "session=abc", "Authorization": "Bearer t", "Accept": "*/*"},
        },
        "extra": {"email": "amina@example.org", "attempts": 3},
        "tags": {"request_id": "0123456789abcdef"},
    }
    cleaned = scrub(event)
    assert "user" not in cleaned
    request = cleaned["request"]
    assert set(request) == {"url", "headers"}
    assert request["headers"] == {
        "Cookie": "[filtered]",
        "Authorization": "[filtered]",
        "Accept": "*/*",
    }
    assert cleaned["extra"] == {"email": "[filtered]", "attempts": 3}
    assert cleaned["tags"] == {"request_id": "0123456789abcdef"}
    assert "amina" not in repr(cleaned).lower()
