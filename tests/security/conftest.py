from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from meetings import clock
from meetings.extensions import db
from tests.factories.registration import DURING_REGISTRATION
from tests.security import world


@pytest.fixture
def built(app: Flask, connection: sa.Connection, monkeypatch: pytest.MonkeyPatch) -> world.World:
    """One of everything (world.py), committed in the test's transaction; the clock stands
    inside the meeting's registration window."""
    monkeypatch.setattr(clock, "now", lambda: DURING_REGISTRATION)
    built = world.build()
    db.session.commit()
    return built
