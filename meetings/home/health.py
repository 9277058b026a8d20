"""Whether the application can do its work: the database answers (``/healthz``, liveness), and
everything it depends on answers (``/readyz``, readiness: database, Redis, document storage).

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


def redis_answers(url: str) -> bool:
    """One PING, given up on after a second."""
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping())
    except redis.RedisError:
        log.warning("readiness: Redis does not answer")
        return False


def storage_writable() -> bool:
    """This process may write in the document storage (a folder, or a bucket)."""
    from meetings.documents.storage import storage

    where = storage()
    if where.writable():
        return True
    log.warning("readiness: document storage %s cannot be written", where.url)
    return False


def broker_answers() -> bool:
    """The broker takes connections: Redis answers a PING; the development file-system broker's
    folder is there; the tests' memory broker always does."""
    import os

    from meetings.jobs import broker_url

    url = broker_url(current_app)
    if url.startswith(("redis://", "rediss://")):
        return redis_answers(url)
    if url.startswith("filesystem://"):
        folder = os.path.join(current_app.instance_path, "celery-broker", "queue")
        return os.access(folder, os.W_OK)
    return url.startswith("memory://")


def readiness() -> dict[str, str]:
    """Each dependency: "ok", "unreachable", or "not configured" (Redis in development)."""
    checks = {"database": "ok" if _ask_database() else "unreachable"}
    url = current_app.config.get("REDIS_URL")
    checks["redis"] = ("ok" if redis_answers(url) else "unreachable") if url else "not configured"
    checks["storage"] = "ok" if storage_writable() else "unreachable"
    checks["broker"] = "ok" if broker_answers() else "unreachable"
    return checks
