"""The current time, in one place, so that tests can stand at 17:59 or 18:01 venue time.

Every timestamp the application writes comes from :func:`now` (column defaults included, through
:func:`stamp`), so that a test that sets the clock sees it everywhere.
"""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(UTC)


def stamp() -> datetime:
    """Column default and ``onupdate``: looks :func:`now` up at call time, so that a test's
    replacement of ``clock.now`` is honoured."""
    return now()
