from __future__ import annotations

from datetime import UTC, datetime

import pytest

from meetings import clock

DURING = datetime(2018, 4, 2, 14, tzinfo=UTC)  # the 2018 cycle is open


@pytest.fixture(autouse=True)
def now(monkeypatch: pytest.MonkeyPatch):
    """Stand at a moment: ``now(datetime)``; by default 2 April 2018, inside the cycle."""

    def _set(moment: datetime = DURING) -> datetime:
        monkeypatch.setattr(clock, "now", lambda: moment)
        return moment

    _set()
    return _set
