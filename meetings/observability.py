"""Seeing what happens: a request id on every request (taken from the proxy's X-Request-ID when it
is a sane one, made otherwise), returned in the response and shown on error pages so a delegate
can quote it; on every log line; and log lines as JSON in production (one object a line, for the
log collector), readable text in development."""

from __future__ import annotations

import json
import logging
import os
import re
from datetime import UTC, datetime

from flask import Flask, Response, has_request_context, request

HEADER = "X-Request-ID"
# What a proxy may hand us: short, and nothing a log line or a header could be broken with.
ACCEPTED = re.compile(r"[A-Za-z0-9._:-]{8,128}")


def request_id() -> str:
    """This request's id ("-" outside a request)."""
    if not has_request_context():
        return "-"
    environ = request.environ
    found = environ.get("meetings.request_id")
    if found is None:
        given = environ.get("HTTP_X_REQUEST_ID", "")
        found = given if given and ACCEPTED.fullmatch(given) else os.urandom(16).hex()
        environ["meetings.request_id"] = found
    return str(found)


class RequestIdFilter(logging.Filter):
    """Puts the request id on every record (``%(request_id)s``; a key of the JSON line)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC), level, logger, message, request id, and the
    exception's text when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def configure_logging(app: Flask) -> None:
    """The root logger's one handler: JSON (MEETINGS_LOG_FORMAT=json, production's default) or
    text, each line with its request id."""
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    if app.config.get("LOG_FORMAT") == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


def init_app(app: Flask) -> None:
    @app.after_request
    def tell_request_id(response: Response) -> Response:
        response.headers[HEADER] = request_id()
        return response

    app.jinja_env.globals["request_id"] = request_id


# Keys whose values are personal or secret: dropped from what goes to Sentry.
PRIVATE_KEYS = re.compile(
    r"pass|secret|token|key|csrf|cookie|session|authorization|email|phone|name|passport|"
    r"birth|address|signature",
    re.I,
)


def scrub(event: dict[str, object], _hint: object = None) -> dict[str, object]:
    """Sentry's event without personal data: no user, no cookies, no request body, no query
    string, headers and local variables with private-sounding names filtered."""

    def clean(value: object, depth: int = 0) -> object:
        if depth > 8:
            return "[deep]"
        if isinstance(value, dict):
            return {
                key: "[filtered]" if PRIVATE_KEYS.search(str(key)) else clean(item, depth + 1)
                for key, item in value.items()
            }
        if isinstance(value, list):
            return [clean(item, depth + 1) for item in value]
        return value

    event.pop("user", None)
    request_data = event.get("request")
    if isinstance(request_data, dict):
        for private in ("cookies", "data", "query_string", "env"):
            request_data.pop(private, None)
    return clean(event)  # type: ignore[return-value]


def init_sentry(app: Flask) -> None:
    """Errors to Sentry when MEETINGS_SENTRY_DSN is set, with personal data scrubbed and the
    request id as a tag (so a delegate's quoted id finds the error)."""
    dsn = app.config.get("SENTRY_DSN")
    if not dsn:
        return
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.flask import FlaskIntegration

    sentry_sdk.init(
        dsn=str(dsn),
        environment=str(app.config.get("ENV_NAME", "production")),
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        traces_sample_rate=0.0,
        before_send=scrub,  # type: ignore[arg-type]
        integrations=[FlaskIntegration(), CeleryIntegration()],
    )

    @app.before_request
    def tag_request_id() -> None:
        sentry_sdk.set_tag("request_id", request_id())
