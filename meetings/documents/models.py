from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from meetings import clock
from meetings.db import Base


class Document(Base):
    """An uploaded file (nomination letter, note verbale, bank advice, passport copy). Stored
    under a generated name outside static/; served only by a view that has checked that the
    reader may see what the document belongs to."""

    __tablename__ = "document"
    __table_args__ = (sa.CheckConstraint("size > 0", name="size_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    stored_name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    original_name: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(100))  # a Word type is 71 characters
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=clock.stamp)
