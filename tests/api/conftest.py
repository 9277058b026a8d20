"""API tests: tokens made through the service, sent as a bearer header; nothing else."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest

from meetings.api import tokens
from meetings.api.models import Scope
from meetings.auth.models import User
from meetings.extensions import db


def token_for(user: User, scopes: Iterable[Scope] = tuple(Scope), lifetime: int = 90) -> str:
    _row, secret = tokens.create(user, "Tests", [s.value for s in scopes], lifetime)
    db.session.commit()
    return secret


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def api(client: Any) -> Any:
    """The test client, for /api/v1 (no cookies are ever needed)."""
    return client
