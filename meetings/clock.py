"""The current time, in one place, so that tests can stand at 17:59 or 18:01 venue time."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(UTC)
