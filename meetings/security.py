"""What every request and response goes through: odd input refused before it reaches a view
(NUL bytes, ids beyond 64 bits), and the security headers of every answer."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import Flask, abort, request, session
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer
from werkzeug.routing import IntegerConverter
from werkzeug.wrappers import Response

# Ids in addresses: a number beyond this is no record of ours (404, not an overflow).
MAX_ID = 2**31 - 1


def as_id(value: object) -> int | None:
    """A record id read from a form or query string: digits (ASCII only: ``int("²")`` fails)
    up to MAX_ID, or None for anything else."""
    text = str(value if value is not None else "")
    if text.isascii() and text.isdecimal() and len(text) <= 10 and int(text) <= MAX_ID:
        return int(text)
    return None


class BoundedInt(IntegerConverter):
    """``<int:…>`` that matches only numbers a database integer column can hold."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def content_security_policy(*, form_action: Iterable[str] = ()) -> str:
    """No inline script, no framing, forms posted to this site only (and to ``form_action``:
    a form whose answer redirects elsewhere, such as Stripe's checkout page, needs it)."""
    targets = " ".join(["'self'", *form_action])
    return (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        f"object-src 'none'; base-uri 'self'; form-action {targets}; frame-ancestors 'none'"
    )


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the signing serializer built once per secret key
    instead of on every request (it is read on every request that carries a cookie)."""

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        key = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        kept = app.extensions.get("meetings_session_serializer")
        if kept is None or kept[0] != key:
            kept = (key, super().get_signing_serializer(app))
            app.extensions["meetings_session_serializer"] = kept
        serializer: URLSafeTimedSerializer | None = kept[1]
        return serializer


def _has_nul(values: Iterable[str]) -> bool:
    return any("\x00" in value for value in values)


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = BoundedInt
    app.session_interface = SessionCookies()
    default_policy = content_security_policy()

    @app.before_request
    def refuse_nul_bytes() -> None:
        """A NUL byte is in no name, code or text of ours; PostgreSQL cannot store one."""
        if "\x00" in request.path:
            abort(404)
        environ = request.environ
        # Parsed only when they could hold one (a query string with %00, a cookie at all).
        query = environ.get("QUERY_STRING", "")
        if (
            (
                ("%00" in query or "\x00" in query)
                and (_has_nul(request.args.values()) or _has_nul(k for k in request.args))
            )
            or (environ.get("HTTP_COOKIE") and _has_nul(request.cookies.values()))
            or (request.method == "POST" and _has_nul(request.form.values()))
        ):
            abort(400)

    always = [
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "same-origin"),
        ("Content-Security-Policy", default_policy),
    ]
    seconds = int(app.config.get("HSTS_SECONDS") or 0)
    if seconds:
        always.append(("Strict-Transport-Security", f"max-age={seconds}; includeSubDomains"))

    @app.after_request
    def security_headers(response: Response) -> Response:
        headers = response.headers
        # Each header unless the view set its own (one look at the few headers there are).
        present = {name.lower() for name in headers.keys()}  # noqa: SIM118 (Headers)
        for name, value in always:
            if name.lower() not in present:
                headers.add(name, value)
        if request.endpoint != "static" and "_user_id" in session:
            # What a logged-in person sees is theirs: no shared or browser cache keeps it. (The
            # session says someone is logged in; asking the database who would fail with it.)
            headers["Cache-Control"] = "private, no-store"
            headers.add("Vary", "Cookie")
        return response
