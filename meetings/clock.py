"""The current time, in one place, so that tests can stand at 17:59 or 18:01 venue time.

Every timestamp the application writes comes from :func:`now` (column defaults included, through
:func:`stamp`), so that a test that sets the clock sees it everywhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

_standing_at: list[datetime] = []


# Dates the application deals in: years beyond these are typing slips (and would overflow).
FIRST_YEAR, LAST_YEAR = 1900, 2999


def now() -> datetime:
    return _standing_at[-1] if _standing_at else datetime.now(UTC)


@contextmanager
def standing_at(moment: datetime) -> Iterator[None]:
    """Let the application's clock show ``moment`` (demonstration data of past meetings is
    built through the same services and rules as today's)."""
    _standing_at.append(moment)
    try:
        yield
    finally:
        _standing_at.pop()


def stamp() -> datetime:
    """Column default and ``onupdate``: looks :func:`now` up at call time, so that a test's
    replacement of ``clock.now`` is honoured."""
    return now()
