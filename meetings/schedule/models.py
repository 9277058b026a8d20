from __future__ import annotations

import secrets
from datetime import date, datetime, time
from enum import StrEnum
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meetings import clock
from meetings.db import Base, TimestampMixin, enum_type
from meetings.i18n import in_reader_language


class MeetingKind(StrEnum):
    PREPARATORY_COMMITTEE = "preparatory_committee"
    REVIEW_CONFERENCE = "review_conference"
    BIENNIAL_MEETING = "biennial_meeting"
    EXPERT_GROUP = "expert_group"
    REGIONAL_MEETING = "regional_meeting"
    OTHER = "other"


class MeetingFormat(StrEnum):
    IN_PERSON = "in_person"
    HYBRID = "hybrid"
    VIRTUAL = "virtual"


class MeetingState(StrEnum):
    PLANNED = "planned"
    REGISTRATION_OPEN = "registration_open"
    REGISTRATION_CLOSED = "registration_closed"
    IN_SESSION = "in_session"
    CONCLUDED = "concluded"


class SittingKind(StrEnum):
    PLENARY = "plenary"
    INFORMAL_CONSULTATIONS = "informal_consultations"
    SIDE_EVENT = "side_event"
    OTHER = "other"


class SittingStatus(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class Process(Base):
    """A multilateral process, e.g. the Programme of Action on small arms."""

    __tablename__ = "process"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    # The official title in the other official languages, by language code (fr, es, ru, zh, ar).
    titles: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict, server_default="{}")
    description: Mapped[str] = mapped_column(sa.Text, default="")

    meetings: Mapped[list[Meeting]] = relationship(
        back_populates="process", order_by="Meeting.start_date", lazy="raise"
    )

    @property
    def display_title(self) -> str:
        return in_reader_language(self.title, self.titles)


def new_version() -> str:
    return secrets.token_hex(16)


class Meeting(TimestampMixin, Base):
    """One meeting of a process, held in one IANA time zone. Registration is possible only while
    the state is ``registration_open`` and the clock is inside the registration window."""

    __tablename__ = "meeting"
    __table_args__ = (
        sa.CheckConstraint("end_date >= start_date", name="dates_in_order"),
        sa.CheckConstraint(
            "registration_closes_at IS NULL OR registration_opens_at IS NULL"
            " OR registration_closes_at > registration_opens_at",
            name="registration_window_in_order",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(sa.ForeignKey("process.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    # The official title in the other official languages, by language code (fr, es, ru, zh, ar).
    titles: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict, server_default="{}")
    kind: Mapped[MeetingKind] = mapped_column(enum_type(MeetingKind))
    venue: Mapped[str] = mapped_column(sa.String(300))
    timezone: Mapped[str] = mapped_column(sa.String(64))
    start_date: Mapped[date]
    end_date: Mapped[date]
    format: Mapped[MeetingFormat] = mapped_column(enum_type(MeetingFormat))
    state: Mapped[MeetingState] = mapped_column(
        enum_type(MeetingState), default=MeetingState.PLANNED
    )
    is_published: Mapped[bool] = mapped_column(default=False)
    registration_opens_at: Mapped[datetime | None]
    registration_closes_at: Mapped[datetime | None]
    # Replaced, in the transaction of every change to what its programme and feeds show (the
    # meeting, its process, its sittings, their rooms: meetings.schedule.versions), by a new
    # random tag, so that no two states of any meeting share one, even across a restored backup.
    # Feeds' ETags and cached programme pages are keyed on it: a 304 is one indexed lookup.
    schedule_version: Mapped[str] = mapped_column(sa.String(32), default=new_version)
    schedule_changed_at: Mapped[datetime] = mapped_column(default=clock.stamp)

    process: Mapped[Process] = relationship(back_populates="meetings", lazy="joined")

    @property
    def display_title(self) -> str:
        """The title in the reader's language, where the secretariat has entered it."""
        return in_reader_language(self.title, self.titles)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def starts_at(self) -> datetime:
        """The first moment of the meeting's first day, in its own zone (aware)."""
        return datetime.combine(self.start_date, time.min, tzinfo=self.zone)

    def days(self) -> list[date]:
        from datetime import timedelta

        count = (self.end_date - self.start_date).days + 1
        return [self.start_date + timedelta(days=n) for n in range(count)]

    def __str__(self) -> str:
        return self.title


class Room(Base):
    __tablename__ = "room"
    __table_args__ = (
        sa.UniqueConstraint("name", "building"),
        sa.CheckConstraint("capacity > 0", name="capacity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    building: Mapped[str] = mapped_column(sa.String(200), default="")
    capacity: Mapped[int]
    updated_at: Mapped[datetime] = mapped_column(default=clock.stamp)

    @property
    def label(self) -> str:
        return f"{self.name}, {self.building}" if self.building else self.name

    def __str__(self) -> str:
        return self.name


class Sitting(TimestampMixin, Base):
    """A plenary meeting, informal consultations or side event. Never deleted: a cancelled
    sitting keeps its row (and its calendar UID). Every change raises ``revision``."""

    __tablename__ = "sitting"
    __table_args__ = (
        sa.UniqueConstraint("meeting_id", "number"),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint("revision >= 0", name="revision_not_negative"),
        sa.CheckConstraint("number > 0", name="number_positive"),
        sa.Index("ix_sitting_room_time", "room_id", "starts_at"),
        sa.Index("ix_sitting_meeting_time", "meeting_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id"))
    number: Mapped[int]
    kind: Mapped[SittingKind] = mapped_column(enum_type(SittingKind))
    title: Mapped[str] = mapped_column(sa.String(300))
    agenda_items: Mapped[str] = mapped_column(sa.Text, default="")
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    room_id: Mapped[int | None] = mapped_column(sa.ForeignKey("room.id"))
    status: Mapped[SittingStatus] = mapped_column(
        enum_type(SittingStatus), default=SittingStatus.SCHEDULED
    )
    revision: Mapped[int] = mapped_column(default=0)
    # The revision a programme import last left it at: a sitting whose revision differs (or
    # that no import wrote) was changed by hand, and an import asks before replacing it.
    imported_revision: Mapped[int | None]
    # What the last change was, for the notice on its page: when, and (when it moved) where
    # and when it was before.
    changed_at: Mapped[datetime | None]
    previous_starts_at: Mapped[datetime | None]
    previous_ends_at: Mapped[datetime | None]
    previous_room_id: Mapped[int | None] = mapped_column(sa.ForeignKey("room.id"))

    meeting: Mapped[Meeting] = relationship(lazy="raise")
    room: Mapped[Room | None] = relationship(lazy="raise", foreign_keys=[room_id])
    previous_room: Mapped[Room | None] = relationship(lazy="raise", foreign_keys=[previous_room_id])

    @property
    def is_cancelled(self) -> bool:
        return self.status is SittingStatus.CANCELLED

    @property
    def was_changed(self) -> bool:
        """Shown as 'changed': edited or moved since it was first published."""
        return self.revision > 0 and not self.is_cancelled

    @property
    def time_changed(self) -> bool:
        return self.previous_starts_at is not None and (
            self.previous_starts_at != self.starts_at or self.previous_ends_at != self.ends_at
        )

    @property
    def room_changed(self) -> bool:
        return self.previous_starts_at is not None and self.previous_room_id != self.room_id


class StarredSitting(Base):
    """A sitting a user follows in their personal calendar feed."""

    __tablename__ = "starred_sitting"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    sitting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("sitting.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    starred_at: Mapped[datetime] = mapped_column(default=clock.stamp)


class ProgrammeImport(Base):
    """A programme file read and checked, waiting for the secretariat to confirm what it will
    change (meetings.schedule.programme_import): nothing of the programme changes until then."""

    __tablename__ = "programme_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id"), index=True)
    text: Mapped[str] = mapped_column(sa.Text)
    file_name: Mapped[str] = mapped_column(sa.String(255), default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=clock.stamp)
    applied_at: Mapped[datetime | None]
