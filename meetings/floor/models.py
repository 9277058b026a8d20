"""The conference floor: lists of speakers and their inscriptions."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meetings.db import Base, TimestampMixin, enum_type
from meetings.floor.order import Level, SpeakerKind
from meetings.reference.models import State
from meetings.registration.models import Registration
from meetings.schedule.models import Meeting, Sitting


class InscriptionStatus(StrEnum):
    WAITING = "waiting"
    SPOKEN = "spoken"
    ABSENT = "absent"  # did not answer when called: moved to the end, dropped at the second time
    DROPPED = "dropped"
    WITHDRAWN = "withdrawn"


speakers_list_sitting = sa.Table(
    "speakers_list_sitting",
    Base.metadata,
    sa.Column("list_id", sa.ForeignKey("speakers_list.id"), primary_key=True),
    sa.Column("sitting_id", sa.ForeignKey("sitting.id"), primary_key=True),
)


class SpeakersList(TimestampMixin, Base):
    """A list of speakers of a meeting (the general debate, a thematic segment), tied to its
    sittings; open for inscription from ``opens_at`` until the secretariat closes it."""

    __tablename__ = "speakers_list"
    __table_args__ = (
        sa.CheckConstraint("time_limit_seconds > 0", name="time_limit_positive"),
        sa.UniqueConstraint("meeting_id", "title", name="uq_speakers_list_title"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    opens_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    time_limit_seconds: Mapped[int] = mapped_column(default=300)

    meeting: Mapped[Meeting] = relationship(lazy="joined")
    sittings: Mapped[list[Sitting]] = relationship(
        secondary=speakers_list_sitting, lazy="raise", order_by="Sitting.starts_at"
    )


class Inscription(TimestampMixin, Base):
    """One speaker on a list: a State (inscribed by its focal point, once per list) or a group,
    organisation, UN entity or civil society (inscribed by the secretariat)."""

    __tablename__ = "inscription"
    __table_args__ = (
        sa.Index(
            "uq_inscription_state",
            "list_id",
            "state_id",
            unique=True,
            postgresql_where=sa.text("state_id IS NOT NULL AND status <> 'withdrawn'"),
            sqlite_where=sa.text("state_id IS NOT NULL AND status <> 'withdrawn'"),
        ),
        # Positions are written under the list's row lock (renumbering moves many at once).
        sa.Index("ix_inscription_position", "list_id", "position"),
        sa.CheckConstraint(
            "(kind = 'state') = (state_id IS NOT NULL) OR kind = 'group'",
            name="state_speaks_for_a_state",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(sa.ForeignKey("speakers_list.id"), index=True)
    kind: Mapped[SpeakerKind] = mapped_column(enum_type(SpeakerKind))
    state_id: Mapped[int | None] = mapped_column(sa.ForeignKey("state.id"))
    name: Mapped[str] = mapped_column(sa.String(200), default="")  # the organisation or group
    speaker_registration_id: Mapped[int | None] = mapped_column(sa.ForeignKey("registration.id"))
    level: Mapped[Level] = mapped_column(enum_type(Level))
    inscribed_at: Mapped[datetime]
    position: Mapped[int]
    moved: Mapped[bool] = mapped_column(default=False)
    move_reason: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[InscriptionStatus] = mapped_column(
        enum_type(InscriptionStatus), default=InscriptionStatus.WAITING
    )
    absences: Mapped[int] = mapped_column(default=0)

    state: Mapped[State | None] = relationship(lazy="joined")
    speaker: Mapped[Registration | None] = relationship(lazy="joined")


class SwapStatus(StrEnum):
    PROPOSED = "proposed"
    DONE = "done"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    LAPSED = "lapsed"  # one of the two spoke, withdrew or was dropped before both agreed


class SpeakerSwap(TimestampMixin, Base):
    """Two States exchanging places on a list: done only when each State's focal point has
    agreed (the proposing focal point agrees by proposing; a swap the secretariat proposes
    waits for both)."""

    __tablename__ = "speaker_swap"
    __table_args__ = (
        sa.CheckConstraint("first_id <> second_id", name="two_speakers"),
        sa.Index("ix_speaker_swap_open", "list_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(sa.ForeignKey("speakers_list.id"))
    first_id: Mapped[int] = mapped_column(sa.ForeignKey("inscription.id"))
    second_id: Mapped[int] = mapped_column(sa.ForeignKey("inscription.id"))
    proposed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    first_agreed_at: Mapped[datetime | None]
    second_agreed_at: Mapped[datetime | None]
    status: Mapped[SwapStatus] = mapped_column(enum_type(SwapStatus), default=SwapStatus.PROPOSED)
    decided_at: Mapped[datetime | None]

    first: Mapped[Inscription] = relationship(lazy="joined", foreign_keys=[first_id])
    second: Mapped[Inscription] = relationship(lazy="joined", foreign_keys=[second_id])
