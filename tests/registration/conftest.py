from __future__ import annotations

import pytest

from meetings import clock
from tests.factories.registration import DURING_REGISTRATION


@pytest.fixture(autouse=True)
def now(monkeypatch: pytest.MonkeyPatch):
    """Stand at a moment: ``now(datetime)``; by default inside the registration window."""

    def _set(moment=DURING_REGISTRATION):
        monkeypatch.setattr(clock, "now", lambda: moment)
        return moment

    _set()
    return _set
