"""Side events: the slots the secretariat offers (lunchtime, evening), the requests of States,
organisations and civil society, and the sitting an approved request becomes."""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meetings.db import Base, TimestampMixin, enum_type
from meetings.registration.models import Delegation
from meetings.schedule.models import Room, Sitting


class SlotKind(StrEnum):
    MORNING = "morning"
    LUNCHTIME = "lunchtime"
    EVENING = "evening"


class SideEventSlot(Base):
    """A time the secretariat offers for side events on one day of a meeting (venue time)."""

    __tablename__ = "side_event_slot"
    __table_args__ = (
        sa.UniqueConstraint("meeting_id", "day", "starts", name="uq_side_event_slot"),
        sa.CheckConstraint("ends > starts", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id"), index=True)
    kind: Mapped[SlotKind] = mapped_column(enum_type(SlotKind))
    day: Mapped[date]
    starts: Mapped[time]
    ends: Mapped[time]


class SideEventStatus(StrEnum):
    REQUESTED = "requested"
    PROPOSED = "proposed"  # the secretariat proposed another slot; the organiser answers
    APPROVED = "approved"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    CANCELLED = "cancelled"


side_event_preference = sa.Table(
    "side_event_preference",
    Base.metadata,
    sa.Column("request_id", sa.ForeignKey("side_event_request.id"), primary_key=True),
    sa.Column("slot_id", sa.ForeignKey("side_event_slot.id"), primary_key=True),
)


class SideEventRequest(TimestampMixin, Base):
    """A request for a side event, by the focal point of a State or an organisation."""

    __tablename__ = "side_event_request"
    __table_args__ = (
        sa.CheckConstraint("expected_audience > 0", name="audience_positive"),
        sa.Index("ix_side_event_request_meeting", "meeting_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id"))
    delegation_id: Mapped[int] = mapped_column(sa.ForeignKey("delegation.id"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    title: Mapped[str] = mapped_column(sa.String(200))
    co_sponsors: Mapped[str] = mapped_column(sa.String(500), default="")
    description: Mapped[str] = mapped_column(sa.Text)
    expected_audience: Mapped[int]
    languages: Mapped[str] = mapped_column(sa.String(40))  # official language codes, "en fr"
    accessibility: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[SideEventStatus] = mapped_column(
        enum_type(SideEventStatus), default=SideEventStatus.REQUESTED
    )
    # The slot and room approved, or proposed by the secretariat.
    slot_id: Mapped[int | None] = mapped_column(sa.ForeignKey("side_event_slot.id"))
    room_id: Mapped[int | None] = mapped_column(sa.ForeignKey("room.id"))
    sitting_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sitting.id"), unique=True)
    message: Mapped[str] = mapped_column(sa.Text, default="")  # the secretariat's last word
    decided_at: Mapped[datetime | None]

    delegation: Mapped[Delegation] = relationship(lazy="joined")
    slot: Mapped[SideEventSlot | None] = relationship(lazy="joined")
    room: Mapped[Room | None] = relationship(lazy="joined")
    sitting: Mapped[Sitting | None] = relationship(lazy="raise")
    preferences: Mapped[list[SideEventSlot]] = relationship(
        secondary=side_event_preference, lazy="selectin", order_by="SideEventSlot.day"
    )

    @property
    def organisers(self) -> str:
        """The organiser and its co-sponsors, as the programme shows them."""
        if self.co_sponsors:
            return f"{self.delegation.name}, {self.co_sponsors}"
        return self.delegation.name
