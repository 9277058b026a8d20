"""Sponsorship: calls for applications, applications by States, reviews, awards, DSA rates.

The money of an award lives in the fund's ledger (through the fund's commit service); an award
here records what was offered, who proposed and who approved it, and the commitment it made.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meetings import clock
from meetings.db import Base, MinorUnits, TimestampMixin, enum_type
from meetings.documents.models import Document
from meetings.money import Money
from meetings.reference.models import State
from meetings.schedule.models import Meeting


class Eligibility(StrEnum):
    LDC_ONLY = "ldc_only"
    DEVELOPING_LDC_FIRST = "developing_ldc_first"


class ApplicationStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    INCOMPLETE = "incomplete"
    ELIGIBLE = "eligible"
    UNDER_REVIEW = "under_review"
    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    TRAVEL_BOOKED = "travel_booked"
    ATTENDED = "attended"
    NO_SHOW = "no_show"
    SETTLED = "settled"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    CANCELLED = "cancelled"


# Applications that no longer hold the State's place for the meeting (it may apply again).
CLOSED_STATUSES = (
    ApplicationStatus.DECLINED,
    ApplicationStatus.EXPIRED,
    ApplicationStatus.REJECTED,
    ApplicationStatus.WITHDRAWN,
    ApplicationStatus.CANCELLED,
)
# Applications whose nominee was (or is being) sponsored.
SPONSORED_STATUSES = (
    ApplicationStatus.ACCEPTED,
    ApplicationStatus.TRAVEL_BOOKED,
    ApplicationStatus.ATTENDED,
    ApplicationStatus.NO_SHOW,
    ApplicationStatus.SETTLED,
)

call_meeting = sa.Table(
    "sponsorship_call_meeting",
    Base.metadata,
    sa.Column(
        "call_id", sa.ForeignKey("sponsorship_call.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("meeting_id", sa.ForeignKey("meeting.id"), primary_key=True),
)


class SponsorshipCall(TimestampMixin, Base):
    """A call for applications to the fund for one or more meetings. The call owns the
    sponsorship deadline (18:00 venue time, like registration)."""

    __tablename__ = "sponsorship_call"
    __table_args__ = (
        sa.CheckConstraint("currency = 'USD'", name="usd"),
        sa.CheckConstraint("reply_days > 0", name="reply_days_positive"),
        sa.CheckConstraint("travel_days >= 0 AND travel_days <= 10", name="travel_days_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    opens_on: Mapped[date]
    deadline_at: Mapped[datetime]
    timezone: Mapped[str] = mapped_column(sa.String(64))
    eligibility: Mapped[Eligibility] = mapped_column(enum_type(Eligibility))
    capital_based_preferred: Mapped[bool] = mapped_column(default=True)
    covered_costs: Mapped[str] = mapped_column(sa.Text, default="")
    currency: Mapped[str] = mapped_column(sa.String(3), default="USD")
    dsa_city: Mapped[str] = mapped_column(sa.String(120))
    # Days of DSA beyond the meeting's own days (travel to and from the venue).
    travel_days: Mapped[int] = mapped_column(default=2)
    # Days a State has to answer an offer.
    reply_days: Mapped[int] = mapped_column(default=14)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    meetings: Mapped[list[Meeting]] = relationship(
        secondary=call_meeting, lazy="selectin", order_by="Meeting.start_date"
    )

    def __str__(self) -> str:
        return self.title


class DsaRate(Base):
    """The daily subsistence allowance of a city, in US cents, from a date."""

    __tablename__ = "dsa_rate"
    __table_args__ = (
        sa.UniqueConstraint("city", "valid_from"),
        sa.CheckConstraint("daily_rate_minor > 0", name="positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    city: Mapped[str] = mapped_column(sa.String(120))
    daily_rate_minor: Mapped[int] = mapped_column(MinorUnits())
    valid_from: Mapped[date]
    note: Mapped[str] = mapped_column(sa.String(300), default="")
    recorded_at: Mapped[datetime] = mapped_column(default=clock.stamp)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    @property
    def daily_rate(self) -> Money:
        return Money(self.daily_rate_minor, "USD")


class Application(TimestampMixin, Base):
    """A State's request that the fund sponsor one nominee at one meeting of a call."""

    __tablename__ = "sponsorship_application"
    __table_args__ = (
        # One live application per State and meeting (closed ones do not count).
        sa.Index(
            "uq_sponsorship_application_live",
            "meeting_id",
            "state_id",
            unique=True,
            postgresql_where=sa.text(
                "status NOT IN ('declined', 'expired', 'rejected', 'withdrawn', 'cancelled')"
            ),
            sqlite_where=sa.text(
                "status NOT IN ('declined', 'expired', 'rejected', 'withdrawn', 'cancelled')"
            ),
        ),
        sa.Index("ix_sponsorship_application_call_status", "call_id", "status"),
        sa.CheckConstraint("airfare_minor >= 0", name="airfare_not_negative"),
        sa.CheckConstraint("terminal_minor >= 0", name="terminal_not_negative"),
        sa.CheckConstraint("dsa_days >= 0", name="dsa_days_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(sa.ForeignKey("sponsorship_call.id"))
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id"))
    state_id: Mapped[int] = mapped_column(sa.ForeignKey("state.id"), index=True)
    registration_id: Mapped[int | None] = mapped_column(sa.ForeignKey("registration.id"))
    status: Mapped[ApplicationStatus] = mapped_column(
        enum_type(ApplicationStatus), default=ApplicationStatus.DRAFT
    )
    capital_based: Mapped[bool] = mapped_column(default=True)
    previous_participation: Mapped[str] = mapped_column(sa.Text, default="")
    justification: Mapped[str] = mapped_column(sa.Text, default="")
    departure_city: Mapped[str] = mapped_column(sa.String(120), default="")
    airfare_minor: Mapped[int] = mapped_column(MinorUnits(), default=0)
    dsa_days: Mapped[int] = mapped_column(default=0)
    terminal_minor: Mapped[int] = mapped_column(MinorUnits(), default=0)
    note_verbale_id: Mapped[int | None] = mapped_column(sa.ForeignKey("document.id"))
    nomination_form_id: Mapped[int | None] = mapped_column(sa.ForeignKey("document.id"))
    passport_copy_id: Mapped[int | None] = mapped_column(sa.ForeignKey("document.id"))
    status_reason: Mapped[str | None] = mapped_column(sa.Text)
    submitted_at: Mapped[datetime | None]
    reply_by: Mapped[datetime | None]
    ticket_reference: Mapped[str | None] = mapped_column(sa.String(120))
    # A no-show's paid ticket, to be claimed back (followed up by hand).
    ticket_claim: Mapped[str | None] = mapped_column(sa.Text)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    call: Mapped[SponsorshipCall] = relationship(lazy="joined")
    meeting: Mapped[Meeting] = relationship(lazy="joined")
    state: Mapped[State] = relationship(lazy="joined")
    note_verbale: Mapped[Document | None] = relationship(
        foreign_keys=[note_verbale_id], lazy="select"
    )
    nomination_form: Mapped[Document | None] = relationship(
        foreign_keys=[nomination_form_id], lazy="select"
    )
    passport_copy: Mapped[Document | None] = relationship(
        foreign_keys=[passport_copy_id], lazy="select"
    )

    @property
    def airfare(self) -> Money:
        return Money(self.airfare_minor, "USD")

    @property
    def terminal(self) -> Money:
        return Money(self.terminal_minor, "USD")


class Review(Base):
    """One fund administrator's score of an application and assessment, read by fund
    administrators only; a message to the State, written apart and on purpose, is all its focal
    point reads of it."""

    __tablename__ = "sponsorship_review"
    __table_args__ = (
        sa.UniqueConstraint("application_id", "reviewer_id"),
        sa.CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("sponsorship_application.id"), index=True
    )
    reviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    score: Mapped[int]
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    message_to_state: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    reviewed_at: Mapped[datetime] = mapped_column(default=clock.stamp)


class Award(TimestampMixin, Base):
    """What the fund offers: economy airfare + DSA days × the city's rate + terminal expenses,
    in US cents. Proposed by one administrator; above the four-eyes amount, approved by another.
    Offering commits it in the fund's ledger (``commitment_id``)."""

    __tablename__ = "sponsorship_award"
    __table_args__ = (
        sa.CheckConstraint("airfare_minor >= 0", name="airfare_not_negative"),
        sa.CheckConstraint("dsa_rate_minor > 0", name="dsa_rate_positive"),
        sa.CheckConstraint("terminal_minor >= 0", name="terminal_not_negative"),
        sa.CheckConstraint(
            "approved_by_id IS NULL OR approved_by_id <> proposed_by_id", name="four_eyes"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("sponsorship_application.id"), unique=True
    )
    airfare_minor: Mapped[int] = mapped_column(MinorUnits())
    dsa_days: Mapped[int]
    dsa_rate_minor: Mapped[int] = mapped_column(MinorUnits())
    terminal_minor: Mapped[int] = mapped_column(MinorUnits())
    proposed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    commitment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("commitment.id"))
    offered_at: Mapped[datetime | None]

    @property
    def airfare(self) -> Money:
        return Money(self.airfare_minor, "USD")

    @property
    def terminal(self) -> Money:
        return Money(self.terminal_minor, "USD")

    @property
    def dsa_rate(self) -> Money:
        return Money(self.dsa_rate_minor, "USD")

    @property
    def dsa(self) -> Money:
        return Money(self.dsa_days * self.dsa_rate_minor, "USD")

    @property
    def total(self) -> Money:
        return Money(self.airfare_minor + self.terminal_minor, "USD") + self.dsa


class AwardIncrease(TimestampMixin, Base):
    """More money for an accepted award whose actual costs exceed what was offered. An increase
    that takes the award (offer and every increase together) above the four-eyes amount is
    proposed by one administrator and committed when another approves it, as an offer is."""

    __tablename__ = "sponsorship_award_increase"
    __table_args__ = (
        sa.CheckConstraint("amount_minor > 0", name="amount_positive"),
        sa.CheckConstraint(
            "approved_by_id IS NULL OR approved_by_id <> proposed_by_id", name="four_eyes"
        ),
        # One increase waits for approval at a time, per award.
        sa.Index(
            "uq_sponsorship_award_increase_waiting",
            "award_id",
            unique=True,
            postgresql_where=sa.text("committed_at IS NULL AND withdrawn_at IS NULL"),
            sqlite_where=sa.text("committed_at IS NULL AND withdrawn_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(sa.ForeignKey("sponsorship_award.id"), index=True)
    amount_minor: Mapped[int] = mapped_column(MinorUnits())
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    proposed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    committed_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]

    @property
    def amount(self) -> Money:
        return Money(self.amount_minor, "USD")

    @property
    def waiting(self) -> bool:
        return self.committed_at is None and self.withdrawn_at is None
