from __future__ import annotations

import pytest

from meetings import clock
from tests.factories.registration import DURING_REGISTRATION


@pytest.fixture(autouse=True)
def now(monkeypatch: pytest.MonkeyPatch):
    """Stand at a moment: ``now(datetime)``; by default 1 May 2018, inside the call."""

    def _set(moment=DURING_REGISTRATION):
        monkeypatch.setattr(clock, "now", lambda: moment)
        return moment

    _set()
    return _set
