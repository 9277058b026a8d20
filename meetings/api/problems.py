"""Errors of the JSON API as RFC 9457 problem details (``application/problem+json``): a type
naming the kind of problem, its title and a detail in the reader's language, the status, the
request's path, and for refused input each field's own sentence."""

from __future__ import annotations

from typing import Any

from flask import Response, json, request
from werkzeug.exceptions import HTTPException

from meetings.errors import ERROR_TITLES, DomainError, Incomplete, explanation

API_PREFIX = "/api/"
TYPE_BASE = "https://meetings.example.org/problems/"  # stable names, documented in the reference
KINDS = {
    400: "bad-request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    406: "not-acceptable",
    409: "conflict",
    413: "too-large",
    415: "unsupported-media-type",
    422: "refused",
    429: "too-many-requests",
    500: "server-error",
    503: "unavailable",
}


class InvalidInput(DomainError):
    """The request's parameters or body do not match the operation's schema."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__(" ".join(message for _field, message in problems) or "Invalid input.")
        self.problems = problems


class Unauthenticated(DomainError):
    status_code = 401


def problem(status: int, detail: str | None = None, **extra: Any) -> Response:
    from flask_babel import gettext as _

    title = ERROR_TITLES.get(status)
    if status == 401:
        title_text = _("Authentication needed")
    elif status == 406:
        title_text = _("Not acceptable")
    elif status == 415:
        title_text = _("Unsupported media type")
    else:
        title_text = str(title or ERROR_TITLES[500])
    body: dict[str, Any] = {
        "type": TYPE_BASE + KINDS.get(status, "error"),
        "title": title_text,
        "status": status,
        "detail": detail or explanation(status) or title_text,
        "instance": request.path,
        **extra,
    }
    response = Response(json.dumps(body), status=status, mimetype="application/problem+json")
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="meetings"'
    return response


def render(code: int, message: str | None, error: Exception | None) -> Response | None:
    """The problem for a request to the API; None for any other request (a page)."""
    if not request.path.startswith(API_PREFIX):
        return None
    extra: dict[str, Any] = {}
    if isinstance(error, InvalidInput | Incomplete):
        extra["errors"] = [
            {"field": field or "", "detail": detail} for field, detail in error.problems
        ]
    elif isinstance(error, DomainError) and error.field:
        extra["errors"] = [{"field": error.field, "detail": error.message}]
    headers = {}
    if isinstance(error, HTTPException) and error.code == 429:
        retry = error.get_response().headers.get("Retry-After")
        if retry:
            headers["Retry-After"] = retry
    response = problem(code, message, **extra)
    response.headers.extend(headers)
    return response
