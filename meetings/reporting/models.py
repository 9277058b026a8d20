"""National reports on the Programme of Action and the International Tracing Instrument
(General Assembly resolution 72/57, paragraphs 3, 11–13 and 18): the versioned template, the
reporting cycle of a meeting, each State's report and its versions, the reminders sent, the
national points of contact, and the needs and offers of assistance the reports state."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meetings.db import Base, TimestampMixin, enum_type
from meetings.reference.models import State
from meetings.schedule.models import Meeting


class Instruments(StrEnum):
    """What a cycle asks about."""

    POA = "poa"
    ITI = "iti"
    BOTH = "both"

    def covers(self, instrument: str) -> bool:
        return instrument == "both" or self is Instruments.BOTH or self.value == instrument


class ReportStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    SUPERSEDED = "superseded"  # a later version of the same cycle's report replaced it


class ContactRole(StrEnum):
    POA_POINT = "poa_point"  # the Programme of Action's national point of contact
    POA_AGENCY = "poa_agency"  # the national coordination agency
    ITI_POINT = "iti_point"  # the International Tracing Instrument's point of contact


class AssistanceKind(StrEnum):
    NEED = "need"
    OFFER = "offer"


class ReportTemplate(Base):
    """One version of the reporting template, as loaded from its file: never edited (a change
    is a new version). ``definition`` holds the sections and questions in six languages."""

    __tablename__ = "report_template"
    __table_args__ = (sa.UniqueConstraint("code", "version", name="uq_report_template_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40))
    version: Mapped[int]
    definition: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    sha256: Mapped[str] = mapped_column(sa.String(64))


class ReportingCycle(TimestampMixin, Base):
    """A meeting's call for national reports: open from ``opens_on``, closing at 18:00 venue
    time on ``closes_on``, on one template version, for one or both instruments."""

    __tablename__ = "reporting_cycle"
    __table_args__ = (sa.CheckConstraint("closes_on >= opens_on", name="closes_after_opening"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id"), unique=True)
    template_id: Mapped[int] = mapped_column(sa.ForeignKey("report_template.id"))
    instruments: Mapped[Instruments] = mapped_column(enum_type(Instruments))
    opens_on: Mapped[date]
    closes_on: Mapped[date]
    # Days before the close on which States without a submitted report are reminded.
    reminder_days: Mapped[list[int]] = mapped_column(sa.JSON, default=list)

    meeting: Mapped[Meeting] = relationship(lazy="joined")
    template: Mapped[ReportTemplate] = relationship(lazy="joined")


class NationalReport(TimestampMixin, Base):
    """One version of a State's report for a cycle. A draft is edited; a submitted version is
    locked; a correction is a new version, and the one it replaces becomes superseded."""

    __tablename__ = "national_report"
    __table_args__ = (
        sa.UniqueConstraint("cycle_id", "state_id", "version", name="uq_national_report_version"),
        # One version being written, and one standing, per State and cycle.
        sa.Index(
            "uq_national_report_draft",
            "cycle_id",
            "state_id",
            unique=True,
            postgresql_where=sa.text("status = 'draft'"),
            sqlite_where=sa.text("status = 'draft'"),
        ),
        sa.Index(
            "uq_national_report_submitted",
            "cycle_id",
            "state_id",
            unique=True,
            postgresql_where=sa.text("status = 'submitted'"),
            sqlite_where=sa.text("status = 'submitted'"),
        ),
        sa.Index("ix_national_report_cycle_status", "cycle_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(sa.ForeignKey("reporting_cycle.id"))
    state_id: Mapped[int] = mapped_column(sa.ForeignKey("state.id"))
    version: Mapped[int] = mapped_column(default=1)
    status: Mapped[ReportStatus] = mapped_column(
        enum_type(ReportStatus), default=ReportStatus.DRAFT
    )
    answers: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    public: Mapped[bool] = mapped_column(default=False)
    nothing_new: Mapped[bool] = mapped_column(default=False)
    # Whether the contacts of a submitted report replace the State's directory entries.
    contacts_to_directory: Mapped[bool] = mapped_column(default=True)
    submitted_at: Mapped[datetime | None]
    submitted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    superseded_at: Mapped[datetime | None]

    state: Mapped[State] = relationship(lazy="joined")
    cycle: Mapped[ReportingCycle] = relationship(lazy="raise")


class ReportAttachment(Base):
    __tablename__ = "report_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("national_report.id"), index=True)
    document_id: Mapped[int] = mapped_column(sa.ForeignKey("document.id"))


class ReportReminder(Base):
    """A reminder sent to a State for a cycle: written once (the unique key), so two workers
    never send the same reminder twice."""

    __tablename__ = "report_reminder"
    __table_args__ = (
        sa.UniqueConstraint("cycle_id", "state_id", "days_before", name="uq_report_reminder"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(sa.ForeignKey("reporting_cycle.id"))
    state_id: Mapped[int] = mapped_column(sa.ForeignKey("state.id"))
    days_before: Mapped[int]
    sent_at: Mapped[datetime]


class PointOfContact(TimestampMixin, Base):
    """A State's national point of contact for one role, kept by its focal point."""

    __tablename__ = "point_of_contact"
    __table_args__ = (sa.UniqueConstraint("state_id", "role", name="uq_point_of_contact_role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    state_id: Mapped[int] = mapped_column(sa.ForeignKey("state.id"), index=True)
    role: Mapped[ContactRole] = mapped_column(enum_type(ContactRole))
    name: Mapped[str] = mapped_column(sa.String(200))
    function: Mapped[str] = mapped_column(sa.String(200), default="")
    organisation: Mapped[str] = mapped_column(sa.String(300), default="")
    address: Mapped[str] = mapped_column(sa.Text, default="")
    phone: Mapped[str] = mapped_column(sa.String(60), default="")
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    languages: Mapped[str] = mapped_column(sa.String(120), default="")
    public: Mapped[bool] = mapped_column(default=False)
    confirmed_at: Mapped[datetime]
    reminded_at: Mapped[datetime | None]

    state: Mapped[State] = relationship(lazy="joined")


class AssistanceItem(Base):
    """A need or an offer of assistance stated in a submitted report."""

    __tablename__ = "assistance_item"
    __table_args__ = (
        sa.CheckConstraint(
            "estimated_cost_minor IS NULL OR estimated_cost_minor >= 0", name="cost_not_negative"
        ),
        sa.Index("ix_assistance_item_area", "area", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("national_report.id"), index=True)
    state_id: Mapped[int] = mapped_column(sa.ForeignKey("state.id"), index=True)
    kind: Mapped[AssistanceKind] = mapped_column(enum_type(AssistanceKind))
    area: Mapped[str] = mapped_column(sa.String(40))
    description: Mapped[str] = mapped_column(sa.Text)
    estimated_cost_minor: Mapped[int | None]  # US cents, when the State gave one
    public: Mapped[bool] = mapped_column(default=False)
    current: Mapped[bool] = mapped_column(default=True)  # false once its report is superseded

    state: Mapped[State] = relationship(lazy="joined")


class AssistanceInterest(Base):
    """A donor's interest in a need, which the State's focal point sees."""

    __tablename__ = "assistance_interest"
    __table_args__ = (sa.UniqueConstraint("item_id", "user_id", name="uq_assistance_interest"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("assistance_item.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime]
