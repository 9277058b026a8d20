"""What reaches the fund from outside, before or beside its own records: what payment providers
tell us (the methods money comes by, a provider's references to our records, the movements of
money at the provider with its fees and conversions, its events, card holders' disputes) and
the pledges donors announce online. Re-exported by ``meetings.fund.models``, where the rest of
the fund lives."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meetings import clock
from meetings.db import Base, ExactDecimal, MinorUnits, TimestampMixin, enum_type
from meetings.money import Money, currency_column, minor_units_column, money
from meetings.reference.models import State


class DonorKind(StrEnum):
    GOVERNMENT = "government"
    ORGANISATION = "organisation"
    PERSON = "person"


class AnnouncementStatus(StrEnum):
    """A pledge announced by a donor online, until a fund administrator records it (or not)."""

    WAITING = "waiting"
    CONFIRMED = "confirmed"
    DECLINED = "declined"


class PaymentMethod(StrEnum):
    """How the money came: the payment provider that carried it."""

    STRIPE = "stripe"
    BANK_TRANSFER = "bank_transfer"


class DisputeStatus(StrEnum):
    """A card holder's challenge of a payment. An inquiry takes no money; a chargeback (open)
    takes it until the dispute is won or lost."""

    INQUIRY = "inquiry"
    OPEN = "open"
    WON = "won"
    LOST = "lost"
    # An inquiry that closed, or a dispute prevented before it began: no money was taken.
    CLOSED = "closed"


OPEN_DISPUTES = (DisputeStatus.INQUIRY, DisputeStatus.OPEN)


class EventOutcome(StrEnum):
    PROCESSED = "processed"
    IGNORED = "ignored"
    FAILED = "failed"
    # Signed by the provider but not an event we can read (kept for an administrator).
    REJECTED = "rejected"


class ReferenceKind(StrEnum):
    """The kinds of object a payment provider names (Stripe's ``cs_``, ``pi_``, ``ch_``…)."""

    CHECKOUT_SESSION = "checkout_session"
    PAYMENT_INTENT = "payment_intent"
    CHARGE = "charge"
    REFUND = "refund"
    DISPUTE = "dispute"


class MovementKind(StrEnum):
    """What moved the provider's balance (Stripe's balance transactions)."""

    PAYMENT = "payment"
    REFUND = "refund"
    REFUND_FAILURE = "refund_failure"
    DISPUTE_WITHDRAWAL = "dispute_withdrawal"
    DISPUTE_REINSTATEMENT = "dispute_reinstatement"


class Dispute(TimestampMixin, Base):
    """A card holder's challenge of a contribution, as the provider reports it. The money it
    takes and gives back is booked from the provider's movements, not from its status."""

    __tablename__ = "dispute"
    __table_args__ = (sa.CheckConstraint("amount_minor > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(sa.ForeignKey("contribution.id"), index=True)
    amount_minor: Mapped[int] = minor_units_column()
    currency: Mapped[str] = currency_column()
    amount: Mapped[Money] = money("amount_minor", "currency")
    status: Mapped[DisputeStatus] = mapped_column(enum_type(DisputeStatus))
    reason: Mapped[str] = mapped_column(sa.String(60), default="")
    closed_at: Mapped[datetime | None]


class PaymentReference(Base):
    """An identifier a payment provider gave to something of ours (pretix's
    ``ReferencedStripeObject``): each checkout session, payment, charge, refund and dispute,
    so that an event naming any of them finds our record, and a contribution may have several
    checkout sessions. A provider's identifier belongs to one record only."""

    __tablename__ = "payment_reference"
    __table_args__ = (sa.UniqueConstraint("provider", "reference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[PaymentMethod] = mapped_column(enum_type(PaymentMethod))
    kind: Mapped[ReferenceKind] = mapped_column(enum_type(ReferenceKind))
    reference: Mapped[str] = mapped_column(sa.String(255))
    contribution_id: Mapped[int] = mapped_column(sa.ForeignKey("contribution.id"), index=True)
    refund_id: Mapped[int | None] = mapped_column(sa.ForeignKey("refund.id"))
    dispute_id: Mapped[int | None] = mapped_column(sa.ForeignKey("dispute.id"))
    created_at: Mapped[datetime] = mapped_column(default=clock.stamp)


class PaymentMovement(Base):
    """One movement of the fund's balance at a payment provider (a Stripe balance transaction):
    the gross amount and the provider's fee in the currency the provider settles in, and the
    USD value the ledger booked for the same money at the operational rate. Stored once by the
    provider's identifier; ``flask fund reconcile`` compares these with the provider's report."""

    __tablename__ = "payment_movement"
    __table_args__ = (sa.UniqueConstraint("provider", "reference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[PaymentMethod] = mapped_column(enum_type(PaymentMethod))
    reference: Mapped[str] = mapped_column(sa.String(255))
    kind: Mapped[MovementKind] = mapped_column(enum_type(MovementKind))
    contribution_id: Mapped[int] = mapped_column(sa.ForeignKey("contribution.id"), index=True)
    refund_id: Mapped[int | None] = mapped_column(sa.ForeignKey("refund.id"))
    dispute_id: Mapped[int | None] = mapped_column(sa.ForeignKey("dispute.id"))
    # Signed, in the settlement currency: money in is positive, money out negative.
    gross_minor: Mapped[int] = mapped_column(MinorUnits())
    fee_minor: Mapped[int] = mapped_column(MinorUnits())
    currency: Mapped[str] = currency_column()
    # The provider's own rate when it converted (settlement units per unit of the payment's).
    exchange_rate: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    # Signed USD the ledger booked for the same money at the operational rate.
    booked_usd_minor: Mapped[int] = mapped_column(MinorUnits())
    occurred_on: Mapped[date] = mapped_column(index=True)
    recorded_at: Mapped[datetime] = mapped_column(default=clock.stamp)

    @property
    def gross(self) -> Money:
        return Money(self.gross_minor, self.currency)

    @property
    def fee(self) -> Money:
        return Money(self.fee_minor, self.currency)

    @property
    def net(self) -> Money:
        return Money(self.gross_minor - self.fee_minor, self.currency)


class PaymentEvent(Base):
    """Every event a payment provider sent us, stored once by its id (Stripe's ``evt_``), with
    what we did. A signed body that is not an event we can read is kept too, as rejected, under
    an id made from its digest."""

    __tablename__ = "payment_event"

    id: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    provider: Mapped[PaymentMethod] = mapped_column(enum_type(PaymentMethod))
    type: Mapped[str] = mapped_column(sa.String(100))
    livemode: Mapped[bool]
    created: Mapped[datetime]
    received_at: Mapped[datetime] = mapped_column(default=clock.stamp, index=True)
    outcome: Mapped[EventOutcome] = mapped_column(enum_type(EventOutcome))
    message: Mapped[str] = mapped_column(sa.Text, default="")
    # The version of the provider's API the event was written in (Stripe renders each event
    # in its webhook endpoint's version).
    api_version: Mapped[str] = mapped_column(sa.String(40), default="")
    contribution_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("contribution.id"), index=True
    )
    payload: Mapped[dict[str, Any]] = mapped_column(sa.JSON)


class PledgeAnnouncement(TimestampMixin, Base):
    """A donor's word, given on /fund/contribute, that they will give: not yet a pledge. A fund
    administrator confirms it (the pledge is recorded for the right donor) or declines it."""

    __tablename__ = "pledge_announcement"
    __table_args__ = (
        sa.CheckConstraint("amount_minor > 0", name="amount_positive"),
        sa.CheckConstraint(
            "(status = 'confirmed') = (pledge_id IS NOT NULL)", name="confirmed_has_pledge"
        ),
        sa.CheckConstraint(
            "(donor_kind = 'government') = (state_id IS NOT NULL)", name="government_is_a_state"
        ),
        sa.Index("ix_pledge_announcement_status", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    donor_kind: Mapped[DonorKind] = mapped_column(enum_type(DonorKind))
    state_id: Mapped[int | None] = mapped_column(sa.ForeignKey("state.id"))
    donor_name: Mapped[str] = mapped_column(sa.String(200), default="")
    contact_name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str] = mapped_column(sa.String(254))
    amount_minor: Mapped[int] = minor_units_column()
    currency: Mapped[str] = currency_column()
    amount: Mapped[Money] = money("amount_minor", "currency")
    expected_on: Mapped[date | None]
    earmark_meeting_id: Mapped[int | None] = mapped_column(sa.ForeignKey("meeting.id"))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[AnnouncementStatus] = mapped_column(
        enum_type(AnnouncementStatus), default=AnnouncementStatus.WAITING
    )
    announced_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    pledge_id: Mapped[int | None] = mapped_column(sa.ForeignKey("pledge.id"))
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    decided_at: Mapped[datetime | None]
    decision_reason: Mapped[str] = mapped_column(sa.Text, default="")

    state: Mapped[State | None] = relationship(lazy="joined")

    @property
    def display_name(self) -> str:
        """The donor as announced: a government by its State's name in the reader's language."""
        return self.state.display_name if self.state is not None else self.donor_name
