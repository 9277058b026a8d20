"""Whether the application can do its work: the database answers.

A load balancer asks many times a second. A process that found the database answering less
than a second ago (``CHECK_SECONDS``) says so without asking again; a failure is never kept, and
any request that finds the database unavailable (the 503 handler) forgets the last good answer,
so an outage is reported at once and a recovery on the next poll."""

from __future__ import annotations

import logging
import threading
import time

from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from meetings.extensions import db

log = logging.getLogger(__name__)

CHECK_SECONDS = 1.0
_lock = threading.Lock()


def _last() -> dict[str, float]:
    """When this application (in this process) last found the database answering."""
    last: dict[str, float] = current_app.extensions.setdefault(
        "meetings_health", {"ok_at": -CHECK_SECONDS}
    )
    return last


def _ask_database() -> bool:
    """One round trip to the database; a failure is logged and the session reset."""
    try:
        db.session.connection().exec_driver_sql("SELECT 1")
    except SQLAlchemyError:
        log.exception("health check: database unreachable")
        db.session.rollback()
        return False
    return True


def database_reachable() -> bool:
    now = time.monotonic()
    last = _last()
    with _lock:
        if now - last["ok_at"] < CHECK_SECONDS:
            return True
    answer = _ask_database()
    with _lock:
        last["ok_at"] = now if answer else -CHECK_SECONDS
    return answer


def forget() -> None:
    """A request found the database unavailable: the next check asks it."""
    with _lock:
        _last()["ok_at"] = -CHECK_SECONDS
