from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meetings.db import Base, TimestampMixin, enum_type
from meetings.documents.models import Document
from meetings.reference.models import Organisation, OrganisationKind, State
from meetings.schedule.models import Meeting


class ParticipantCategory(StrEnum):
    MEMBER_STATE = "member_state"
    OBSERVER_STATE = "observer_state"
    IGO = "igo"
    UN_ENTITY = "un_entity"
    NGO = "ngo"
    MEDIA = "media"

    @property
    def is_government(self) -> bool:
        return self in (ParticipantCategory.MEMBER_STATE, ParticipantCategory.OBSERVER_STATE)


# Which kind of organisation each non-government category registers for.
CATEGORY_ORGANISATION_KIND = {
    ParticipantCategory.IGO: OrganisationKind.IGO,
    ParticipantCategory.UN_ENTITY: OrganisationKind.UN_ENTITY,
    ParticipantCategory.NGO: OrganisationKind.NGO,
    ParticipantCategory.MEDIA: OrganisationKind.MEDIA,
}


class DelegationRole(StrEnum):
    HEAD = "head"
    ALTERNATE = "alternate"
    ADVISER = "adviser"
    REPRESENTATIVE = "representative"


class Gender(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNDISCLOSED = "undisclosed"


class BasedIn(StrEnum):
    CAPITAL = "capital"
    MISSION = "mission"


class RegistrationStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    ACCREDITED = "accredited"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    CANCELLED = "cancelled"


# Registrations that hold a place (count towards a cap, follow the meeting's programme).
ACTIVE_STATUSES = (
    RegistrationStatus.SUBMITTED,
    RegistrationStatus.APPROVED,
    RegistrationStatus.ACCREDITED,
)


class CredentialsStatus(StrEnum):
    NONE = "none"
    COPY_RECEIVED = "copy_received"
    ORIGINAL_RECEIVED = "original_received"
    ACCEPTED = "accepted"


class ParticipationCap(Base):
    """At most ``limit`` active registrations per organisation of this kind at this meeting."""

    __tablename__ = "participation_cap"
    __table_args__ = (
        sa.UniqueConstraint("meeting_id", "organisation_kind"),
        sa.CheckConstraint("max_participants > 0", name="positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id"), index=True)
    organisation_kind: Mapped[OrganisationKind] = mapped_column(enum_type(OrganisationKind))
    max_participants: Mapped[int]


class Delegation(TimestampMixin, Base):
    """A State's or an organisation's delegation to one meeting."""

    __tablename__ = "delegation"
    __table_args__ = (
        sa.UniqueConstraint("meeting_id", "state_id"),
        sa.UniqueConstraint("meeting_id", "organisation_id"),
        sa.CheckConstraint(
            "(state_id IS NULL) <> (organisation_id IS NULL)", name="state_or_organisation"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id"), index=True)
    state_id: Mapped[int | None] = mapped_column(sa.ForeignKey("state.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisation.id"), index=True
    )
    nomination_reference: Mapped[str | None] = mapped_column(sa.String(120))
    nomination_date: Mapped[date | None]
    nomination_document_id: Mapped[int | None] = mapped_column(sa.ForeignKey("document.id"))
    head_registration_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("registration.id", use_alter=True, name="fk_delegation_head_registration")
    )
    credentials_status: Mapped[CredentialsStatus] = mapped_column(
        enum_type(CredentialsStatus), default=CredentialsStatus.NONE
    )

    meeting: Mapped[Meeting] = relationship(lazy="raise")
    state: Mapped[State | None] = relationship(lazy="joined")
    organisation: Mapped[Organisation | None] = relationship(lazy="joined")
    nomination_document: Mapped[Document | None] = relationship(lazy="joined")

    @property
    def name(self) -> str:
        if self.state is not None:
            return self.state.display_name
        return str(self.organisation)

    @property
    def category(self) -> ParticipantCategory:
        if self.state is not None:
            return (
                ParticipantCategory.MEMBER_STATE
                if self.state.un_status == "member"
                else ParticipantCategory.OBSERVER_STATE
            )
        assert self.organisation is not None
        kind = self.organisation.kind
        return next(c for c, k in CATEGORY_ORGANISATION_KIND.items() if k == kind)


class Registration(TimestampMixin, Base):
    """A person at a meeting, inside a delegation. One per e-mail address and meeting."""

    __tablename__ = "registration"
    __table_args__ = (
        sa.UniqueConstraint("meeting_id", "email"),
        # One registration per person (account) and meeting.
        sa.UniqueConstraint("meeting_id", "user_id"),
        sa.CheckConstraint("email = lower(email)", name="email_lowercase"),
        sa.Index("ix_registration_meeting_status", "meeting_id", "status"),
        sa.Index("ix_registration_meeting_name", "meeting_id", "family_name", "given_names"),
        # The secretariat's list of every meeting's registrations, in name order (make bench).
        sa.Index("ix_registration_name", "family_name", "given_names", "id"),
        # The short code typed at the check-in desk when a pass's QR code cannot be read.
        sa.UniqueConstraint("meeting_id", "badge_code"),
        sa.CheckConstraint("badge_print_count >= 0", name="badge_print_count_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id"))
    delegation_id: Mapped[int] = mapped_column(sa.ForeignKey("delegation.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)
    category: Mapped[ParticipantCategory] = mapped_column(enum_type(ParticipantCategory))
    role: Mapped[DelegationRole] = mapped_column(enum_type(DelegationRole))
    courtesy_title: Mapped[str] = mapped_column(sa.String(30), default="")
    given_names: Mapped[str] = mapped_column(sa.String(120), default="")
    family_name: Mapped[str] = mapped_column(sa.String(120), default="")
    functional_title: Mapped[str] = mapped_column(sa.String(200), default="")
    gender: Mapped[Gender | None] = mapped_column(enum_type(Gender))
    email: Mapped[str] = mapped_column(sa.String(254))
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    based_in: Mapped[BasedIn | None] = mapped_column(enum_type(BasedIn))
    nomination_letter_id: Mapped[int | None] = mapped_column(sa.ForeignKey("document.id"))
    # The passport photo of the grounds pass (cropped and re-encoded on upload).
    photo_id: Mapped[int | None] = mapped_column(sa.ForeignKey("document.id"))
    consent_to_publish: Mapped[bool] = mapped_column(default=False)
    # Added by the focal point or the secretariat, who hold the nomination: no letter needed.
    added_on_behalf: Mapped[bool] = mapped_column(default=False)
    status: Mapped[RegistrationStatus] = mapped_column(
        enum_type(RegistrationStatus), default=RegistrationStatus.DRAFT
    )
    status_reason: Mapped[str | None] = mapped_column(sa.Text)
    late_registration_reason: Mapped[str | None] = mapped_column(sa.Text)
    submitted_at: Mapped[datetime | None]
    checked_in_at: Mapped[datetime | None]
    checked_in_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    # Given at accreditation: 8 characters of Crockford's base 32 derived from the secret key
    # (meetings.registration.badges), typed at the desk when the QR code cannot be read.
    badge_code: Mapped[str | None] = mapped_column(sa.String(8))
    # When the pass was first printed, and how many times since (reprints are counted).
    badge_printed_at: Mapped[datetime | None]
    badge_print_count: Mapped[int] = mapped_column(default=0, server_default="0")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    meeting: Mapped[Meeting] = relationship(lazy="raise")
    delegation: Mapped[Delegation] = relationship(lazy="raise", foreign_keys=[delegation_id])
    nomination_letter: Mapped[Document | None] = relationship(
        lazy="raise", foreign_keys=[nomination_letter_id]
    )
    photo: Mapped[Document | None] = relationship(lazy="raise", foreign_keys=[photo_id])

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.given_names, self.family_name) if part)

    @property
    def display_name(self) -> str:
        from meetings.registration.courtesy import courtesy

        title = courtesy(self.courtesy_title) if self.courtesy_title else ""
        return " ".join(part for part in (title, self.full_name) if part)
