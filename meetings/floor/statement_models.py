"""Statements: a delegation's text for a sitting or an agenda item, its files (a replaced file
keeps its history), and the delegates a focal point allows to upload for the delegation."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meetings.db import Base, TimestampMixin, enum_type
from meetings.documents.models import Document
from meetings.registration.models import Delegation
from meetings.schedule.models import Meeting, Sitting


class StatementLanguage(StrEnum):
    """The six official languages of the United Nations."""

    ARABIC = "ar"
    CHINESE = "zh"
    ENGLISH = "en"
    FRENCH = "fr"
    RUSSIAN = "ru"
    SPANISH = "es"


class StatementStatus(StrEnum):
    UPLOADED = "uploaded"
    DELIVERED = "delivered"
    WITHDRAWN = "withdrawn"


class Statement(TimestampMixin, Base):
    """A delegation's statement. Public once delivered; before that, public only when the
    delegation did not embargo it ("check against delivery"); an embargoed statement is seen
    by the delegation and the secretariat alone until it is delivered."""

    __tablename__ = "statement"
    __table_args__ = (
        sa.Index("ix_statement_meeting", "meeting_id", "status"),
        sa.CheckConstraint(
            "sitting_id IS NOT NULL OR agenda_item <> ''", name="for_a_sitting_or_an_item"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id"))
    delegation_id: Mapped[int] = mapped_column(sa.ForeignKey("delegation.id"), index=True)
    sitting_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sitting.id"), index=True)
    agenda_item: Mapped[str] = mapped_column(sa.String(200), default="")
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    language: Mapped[StatementLanguage] = mapped_column(enum_type(StatementLanguage))
    embargoed: Mapped[bool] = mapped_column(default=True)
    status: Mapped[StatementStatus] = mapped_column(
        enum_type(StatementStatus), default=StatementStatus.UPLOADED
    )
    delivered_at: Mapped[datetime | None]
    document_id: Mapped[int] = mapped_column(sa.ForeignKey("document.id"))  # the current file
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    meeting: Mapped[Meeting] = relationship(lazy="raise")
    delegation: Mapped[Delegation] = relationship(lazy="joined")
    sitting: Mapped[Sitting | None] = relationship(lazy="joined")
    document: Mapped[Document] = relationship(lazy="joined")


class StatementFile(Base):
    """Each file a statement has had, the current one included, in the order uploaded."""

    __tablename__ = "statement_file"
    __table_args__ = (sa.UniqueConstraint("statement_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(sa.ForeignKey("statement.id"), index=True)
    version: Mapped[int]
    document_id: Mapped[int] = mapped_column(sa.ForeignKey("document.id"))
    uploaded_at: Mapped[datetime]
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    document: Mapped[Document] = relationship(lazy="joined")


class StatementUploader(Base):
    """A member of a delegation whom its focal point allows to upload and deliver statements."""

    __tablename__ = "statement_uploader"
    __table_args__ = (sa.UniqueConstraint("delegation_id", "registration_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    delegation_id: Mapped[int] = mapped_column(sa.ForeignKey("delegation.id"))
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registration.id"))
    allowed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    allowed_at: Mapped[datetime]
