"""Personal access tokens for the JSON API: each names its owner and its scopes, is stored as a
SHA-256 hash (the token itself is shown once), expires, and records its last use."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meetings import clock
from meetings.auth.models import User
from meetings.db import Base


class Scope(StrEnum):
    """What a token may be used for; never more than its owner may do."""

    READ = "read"  # read what the owner may read (registrations, check-ins, own reports)
    REGISTRATIONS = "registrations"  # register and approve a delegation's registrations
    REPORTS = "reports"  # the owner's national reports
    FUND = "fund"  # contributions and receipts, applications and the ledger


class ApiToken(Base):
    __tablename__ = "api_token"
    __table_args__ = (sa.CheckConstraint("expires_at > created_at", name="expires_after_creation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    prefix: Mapped[str] = mapped_column(sa.String(12))  # shown in lists, to tell tokens apart
    scopes: Mapped[str] = mapped_column(sa.String(100))  # space-separated Scope values
    created_at: Mapped[datetime] = mapped_column(default=clock.stamp)
    expires_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(lazy="joined")

    @property
    def scope_set(self) -> frozenset[Scope]:
        return frozenset(Scope(value) for value in self.scopes.split() if value)
