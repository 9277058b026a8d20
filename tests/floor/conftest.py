"""The floor's tests stand the clock an hour after the demo list opens for inscription."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from meetings import clock

OPENS = datetime(2018, 6, 4, 13, tzinfo=UTC)


@pytest.fixture(autouse=True)
def now(monkeypatch: pytest.MonkeyPatch):
    def _set(moment: datetime) -> datetime:
        monkeypatch.setattr(clock, "now", lambda: moment)
        return moment

    _set(OPENS + timedelta(hours=1))
    return _set
