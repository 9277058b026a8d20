"""Whether the application can do its work: the database answers."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from meetings.extensions import db

log = logging.getLogger(__name__)


def database_reachable() -> bool:
    """One round trip to the database; a failure is logged and the session reset."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except SQLAlchemyError:
        log.exception("health check: database unreachable")
        db.session.rollback()
        return False
    return True
