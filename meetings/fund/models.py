"""The voluntary sponsorship fund: donors, pledges, contributions, refunds, disputes, the ledger,
exchange rates, commitments, and what the payment providers told us (their references, the
movements of money at the provider, and their events).

Money is whole minor units plus a currency (``money_column``); every balance is derived from the
append-only ledger (``ledger_entry``), whose rows the database refuses to update or delete.
Nothing here is particular to one payment provider: a provider's own identifiers live in
``payment_reference``, its settlement figures in ``payment_movement``.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meetings import clock
from meetings.db import Base, ExactDecimal, MinorUnits, TimestampMixin, enum_type
from meetings.documents.models import Document
from meetings.fund.outside_models import OPEN_DISPUTES as OPEN_DISPUTES
from meetings.fund.outside_models import AnnouncementStatus as AnnouncementStatus
from meetings.fund.outside_models import Dispute as Dispute
from meetings.fund.outside_models import DisputeStatus as DisputeStatus
from meetings.fund.outside_models import DonorKind as DonorKind
from meetings.fund.outside_models import EventOutcome as EventOutcome
from meetings.fund.outside_models import MovementKind as MovementKind
from meetings.fund.outside_models import PaymentEvent as PaymentEvent
from meetings.fund.outside_models import PaymentMethod as PaymentMethod
from meetings.fund.outside_models import PaymentMovement as PaymentMovement
from meetings.fund.outside_models import PaymentReference as PaymentReference
from meetings.fund.outside_models import PledgeAnnouncement as PledgeAnnouncement
from meetings.fund.outside_models import ReferenceKind as ReferenceKind
from meetings.money import Money, currency_column, minor_units_column, money
from meetings.reference.models import Organisation, State


class ContributionStatus(StrEnum):
    PENDING = "pending"
    RECEIVED = "received"
    PARTLY_REFUNDED = "partly_refunded"
    REFUNDED = "refunded"
    DISPUTED = "disputed"
    DISPUTE_LOST = "dispute_lost"
    FAILED = "failed"
    EXPIRED = "expired"


# Contributions whose money arrived (and counts in the donor's totals, less refunds).
RECEIVED_STATUSES = (
    ContributionStatus.RECEIVED,
    ContributionStatus.PARTLY_REFUNDED,
    ContributionStatus.REFUNDED,
    ContributionStatus.DISPUTED,
    ContributionStatus.DISPUTE_LOST,
)


class RefundStatus(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELED = "canceled"


class PledgeStatus(StrEnum):
    """Derived from the contributions linked to a pledge; only 'cancelled' is recorded."""

    PLEDGED = "pledged"
    PARTLY_PAID = "partly_paid"
    PAID = "paid"
    CANCELLED = "cancelled"


class LedgerKind(StrEnum):
    CONTRIBUTION_RECEIVED = "contribution_received"
    REFUND = "refund"
    # A refund that succeeded and later failed: the money came back.
    REFUND_RETURNED = "refund_returned"
    # A refund asked for and not yet confirmed is held back from what is available.
    REFUND_HELD = "refund_held"
    REFUND_HOLD_RELEASED = "refund_hold_released"
    DISPUTE_WITHDRAWN = "dispute_withdrawn"
    DISPUTE_REVERSED = "dispute_reversed"
    # What the payment provider keeps (its fee on a payment, a dispute fee), and gives back.
    PAYMENT_FEE = "payment_fee"
    PAYMENT_FEE_RETURNED = "payment_fee_returned"
    # The provider converted at another rate than the UN operational rate we booked at.
    EXCHANGE_GAIN = "exchange_gain"
    EXCHANGE_LOSS = "exchange_loss"
    AWARD_COMMITTED = "award_committed"
    COMMITMENT_RELEASED = "commitment_released"
    DISBURSEMENT = "disbursement"
    SUPPORT_COST = "support_cost"


class Fund(Base):
    """The fund itself: one row, the base currency, and the row every change to the ledger locks
    so that balance checks and appends happen one after the other."""

    __tablename__ = "fund"
    __table_args__ = (
        sa.CheckConstraint("id = 1", name="single_row"),
        sa.CheckConstraint("currency = 'USD'", name="usd"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    currency: Mapped[str] = mapped_column(sa.String(3), default="USD")


class Donor(TimestampMixin, Base):
    """A government (one of the States), an organisation, or a person."""

    __tablename__ = "donor"
    __table_args__ = (
        sa.UniqueConstraint("state_id"),
        sa.CheckConstraint(
            "(kind = 'government') = (state_id IS NOT NULL)", name="government_is_a_state"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[DonorKind] = mapped_column(enum_type(DonorKind))
    name: Mapped[str] = mapped_column(sa.String(200))
    state_id: Mapped[int | None] = mapped_column(sa.ForeignKey("state.id"))
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id"))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    # Shown as "an anonymous donor" on the public fund page.
    is_anonymous: Mapped[bool] = mapped_column(default=False)

    state: Mapped[State | None] = relationship(lazy="joined")
    organisation: Mapped[Organisation | None] = relationship(lazy="joined")

    @property
    def display_name(self) -> str:
        """A government by its State's name in the reader's language; others as they gave it."""
        return self.state.display_name if self.state is not None else self.name

    def __str__(self) -> str:
        return self.name


class DonorAccount(Base):
    """A user who acts for a donor: sees that donor's pledges, contributions and receipts."""

    __tablename__ = "donor_account"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    donor_id: Mapped[int] = mapped_column(sa.ForeignKey("donor.id"), index=True)
    linked_at: Mapped[datetime] = mapped_column(default=clock.stamp)
    linked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    donor: Mapped[Donor] = relationship(lazy="joined")


class ExchangeRate(Base):
    """A United Nations operational rate of exchange of one currency: how many units of the
    currency one US dollar buys, from ``effective_from`` to the end of that month. Rates are set
    for a month (from its first day) and revised within it when a currency moves sharply (from
    the day of the revision)."""

    __tablename__ = "exchange_rate"
    __table_args__ = (
        sa.UniqueConstraint("currency", "effective_from"),
        sa.CheckConstraint("currency <> 'USD'", name="not_usd"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    currency: Mapped[str] = mapped_column(sa.String(3), sa.ForeignKey("currency.code"))
    effective_from: Mapped[date]
    units_per_usd: Mapped[Decimal] = mapped_column(ExactDecimal())
    recorded_at: Mapped[datetime] = mapped_column(default=clock.stamp)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))


class Pledge(TimestampMixin, Base):
    """A promise of money. Never counted as money: it appears in no balance."""

    __tablename__ = "pledge"
    __table_args__ = (
        sa.CheckConstraint("amount_minor > 0", name="amount_positive"),
        sa.CheckConstraint(
            "earmark_meeting_id IS NULL OR earmark_process_id IS NULL", name="one_earmark"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    donor_id: Mapped[int] = mapped_column(sa.ForeignKey("donor.id"), index=True)
    amount_minor: Mapped[int] = minor_units_column()
    currency: Mapped[str] = currency_column()
    amount: Mapped[Money] = money("amount_minor", "currency")
    pledged_on: Mapped[date]
    earmark_meeting_id: Mapped[int | None] = mapped_column(sa.ForeignKey("meeting.id"))
    earmark_process_id: Mapped[int | None] = mapped_column(sa.ForeignKey("process.id"))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    cancelled_at: Mapped[datetime | None]
    cancellation_reason: Mapped[str | None] = mapped_column(sa.Text)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    donor: Mapped[Donor] = relationship(lazy="joined")


class Contribution(TimestampMixin, Base):
    """Money received (or on its way): the amount and currency received, its USD value at the
    operational rate of the day of receipt (stored, never recomputed), and how it came. The
    payment provider's identifiers are in ``payment_reference``; its settlement (the fee it kept)
    in ``payment_movement``."""

    __tablename__ = "contribution"
    __table_args__ = (
        sa.CheckConstraint("amount_minor > 0", name="amount_positive"),
        sa.CheckConstraint("usd_amount_minor IS NULL OR usd_amount_minor > 0", name="usd_positive"),
        sa.Index("ix_contribution_status_created", "status", "created_at"),
        sa.Index("ix_contribution_donor_value_date", "donor_id", "value_date"),
        # The fund page lists the newest flagged contributions: few among thousands.
        sa.Index(
            "ix_contribution_flagged",
            "id",
            sqlite_where=sa.text("mismatch IS NOT NULL"),
            postgresql_where=sa.text("mismatch IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    donor_id: Mapped[int] = mapped_column(sa.ForeignKey("donor.id"))
    pledge_id: Mapped[int | None] = mapped_column(sa.ForeignKey("pledge.id"), index=True)
    amount_minor: Mapped[int] = minor_units_column()
    currency: Mapped[str] = currency_column()
    amount: Mapped[Money] = money("amount_minor", "currency")
    usd_amount_minor: Mapped[int | None] = mapped_column(MinorUnits())
    units_per_usd: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    # The operational rate used (its effective date).
    rate_date: Mapped[date | None]
    value_date: Mapped[date | None]
    method: Mapped[PaymentMethod] = mapped_column(enum_type(PaymentMethod))
    status: Mapped[ContributionStatus] = mapped_column(
        enum_type(ContributionStatus), default=ContributionStatus.PENDING
    )
    reference: Mapped[str] = mapped_column(sa.String(120), default="")
    bank_advice_id: Mapped[int | None] = mapped_column(sa.ForeignKey("document.id"))
    # A secret of the donor's browser: the thank-you page and its receipt, and the key that makes
    # a double click on "Pay" open one Stripe Checkout Session, not two.
    checkout_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    # Set when something needs a fund administrator's eye: the provider reported other figures
    # than we asked for, the donor paid twice, the rate of the day was missing.
    mismatch: Mapped[str | None] = mapped_column(sa.Text)
    receipt_number: Mapped[int | None] = mapped_column(unique=True)
    received_at: Mapped[datetime | None]
    # When the provider's settlement of the payment (what it kept as its fee) was booked; None
    # for a card payment whose fee is not known yet (``flask fund reconcile`` reads it).
    settled_at: Mapped[datetime | None]
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    donor: Mapped[Donor] = relationship(lazy="joined")
    pledge: Mapped[Pledge | None] = relationship(lazy="raise")
    bank_advice: Mapped[Document | None] = relationship(lazy="select")

    @property
    def usd(self) -> Money | None:
        return Money(self.usd_amount_minor, "USD") if self.usd_amount_minor is not None else None

    @property
    def receipt_label(self) -> str:
        return f"SF-{self.receipt_number:06d}" if self.receipt_number else ""


class Refund(TimestampMixin, Base):
    """Money given back, in the contribution's currency. Pending until the provider confirms it,
    and held back from the available balance meanwhile (``held_usd_minor``); booked at its USD
    value once it succeeded (``usd_amount_minor``)."""

    __tablename__ = "refund"
    __table_args__ = (
        sa.CheckConstraint("amount_minor > 0", name="amount_positive"),
        sa.CheckConstraint("held_usd_minor >= 0", name="held_not_negative"),
        sa.CheckConstraint(
            "usd_amount_minor IS NULL OR usd_amount_minor >= 0", name="usd_not_negative"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(sa.ForeignKey("contribution.id"), index=True)
    amount_minor: Mapped[int] = minor_units_column()
    currency: Mapped[str] = currency_column()
    amount: Mapped[Money] = money("amount_minor", "currency")
    status: Mapped[RefundStatus] = mapped_column(
        enum_type(RefundStatus), default=RefundStatus.PENDING
    )
    held_usd_minor: Mapped[int] = mapped_column(MinorUnits(), default=0)
    usd_amount_minor: Mapped[int | None] = mapped_column(MinorUnits())
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    failure_reason: Mapped[str | None] = mapped_column(sa.Text)
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    # When it succeeded, failed or was cancelled.
    confirmed_at: Mapped[datetime | None]


class Commitment(TimestampMixin, Base):
    """Money set aside for one purpose (an award): the entries that commit, release and spend it
    are in the ledger; what is left of it is derived from them."""

    __tablename__ = "commitment"

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(sa.String(120), unique=True)
    description: Mapped[str] = mapped_column(sa.String(300))
    # The programme support cost rate when the money was set aside, in hundredths of a percent.
    support_cost_basis_points: Mapped[int]
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))


class LedgerEntry(Base):
    """One movement of money, in USD minor units (the original amount and currency beside it).
    Append-only: database triggers refuse UPDATE and DELETE; a correction is a new entry.

    ``sequence`` numbers the entries without gaps: it is taken under the fund's lock, and its
    unique constraint refuses a second entry written from the same view of the balances.
    ``source`` names the outside fact an entry records (a refund, a provider's movement), so
    that the same fact can never be booked twice. The earmark says which part of the fund the
    money belongs to: money received against a pledge earmarked for a meeting or a process
    (and everything that follows from it) carries that earmark; the rest none."""

    __tablename__ = "ledger_entry"
    __table_args__ = (
        sa.UniqueConstraint("sequence"),
        sa.UniqueConstraint("source"),
        sa.CheckConstraint("usd_amount_minor > 0", name="usd_positive"),
        sa.CheckConstraint(
            "earmark_meeting_id IS NULL OR earmark_process_id IS NULL", name="one_earmark"
        ),
        sa.Index("ix_ledger_entry_kind_recorded", "kind", "recorded_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sequence: Mapped[int]
    kind: Mapped[LedgerKind] = mapped_column(enum_type(LedgerKind))
    usd_amount_minor: Mapped[int] = mapped_column(MinorUnits())
    original_amount_minor: Mapped[int | None] = minor_units_column(nullable=True)
    original_currency: Mapped[str | None] = currency_column(nullable=True)
    contribution_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("contribution.id"), index=True
    )
    refund_id: Mapped[int | None] = mapped_column(sa.ForeignKey("refund.id"))
    dispute_id: Mapped[int | None] = mapped_column(sa.ForeignKey("dispute.id"))
    commitment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("commitment.id"), index=True)
    earmark_meeting_id: Mapped[int | None] = mapped_column(sa.ForeignKey("meeting.id"))
    earmark_process_id: Mapped[int | None] = mapped_column(sa.ForeignKey("process.id"))
    source: Mapped[str | None] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.String(300), default="")
    # When the money moved (a transfer's value date); recorded_at is when we wrote it down.
    occurred_on: Mapped[date] = mapped_column(index=True)
    recorded_at: Mapped[datetime] = mapped_column(default=clock.stamp)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    @property
    def usd(self) -> Money:
        return Money(self.usd_amount_minor, "USD")

    @property
    def original(self) -> Money | None:
        if self.original_amount_minor is None or self.original_currency is None:
            return None
        return Money(self.original_amount_minor, self.original_currency)
