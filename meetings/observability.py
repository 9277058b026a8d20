"""Seeing what happens: a request id on every request (taken from the proxy's X-Request-ID when it
is a sane one, made otherwise), returned in the response and shown on error pages so a delegate
can quote it; on every log line; and log lines as JSON in production (one object a line, for the
log collector), readable text in development."""

from __future__ import annotations

import json
import logging
import re
import uuid
from datetime import UTC, datetime

from flask import Flask, Response, g, has_request_context, request

HEADER = "X-Request-ID"
# What a proxy may hand us: short, and nothing a log line or a header could be broken with.
ACCEPTED = re.compile(r"[A-Za-z0-9._:-]{8,128}")


def request_id() -> str:
    """This request's id ("-" outside a request)."""
    if not has_request_context():
        return "-"
    found = g.get("request_id")
    if found is None:
        given = request.headers.get(HEADER, "")
        found = given if ACCEPTED.fullmatch(given) else uuid.uuid4().hex
        g.request_id = found
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
