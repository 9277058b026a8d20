from __future__ import annotations

from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meetings.db import Base, enum_type
from meetings.reference.names import currency_name, group_name, state_name


class UNStatus(StrEnum):
    MEMBER = "member"
    OBSERVER = "observer"


class OrganisationKind(StrEnum):
    IGO = "igo"
    UN_ENTITY = "un_entity"
    NGO = "ngo"
    MEDIA = "media"


class RegionalGroup(Base):
    """One of the five United Nations regional groups."""

    __tablename__ = "regional_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))

    @property
    def display_name(self) -> str:
        """The group's name in the reader's language."""
        return group_name(self.code, self.name)


class State(Base):
    """A Member State or observer State of the United Nations."""

    __tablename__ = "state"
    __table_args__ = (
        sa.CheckConstraint("length(alpha2) = 2", name="alpha2_length"),
        sa.CheckConstraint("length(alpha3) = 3", name="alpha3_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    alpha2: Mapped[str] = mapped_column(sa.String(2), unique=True)
    alpha3: Mapped[str] = mapped_column(sa.String(3), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    un_status: Mapped[UNStatus] = mapped_column(enum_type(UNStatus))
    regional_group_id: Mapped[int | None] = mapped_column(sa.ForeignKey("regional_group.id"))
    is_least_developed: Mapped[bool] = mapped_column(default=False)
    has_mission_in_new_york: Mapped[bool] = mapped_column(default=True)

    regional_group: Mapped[RegionalGroup | None] = relationship(lazy="joined")

    @property
    def display_name(self) -> str:
        """The State's name in the reader's language (the United Nations' own in English)."""
        return state_name(self.alpha2, self.name)

    def __str__(self) -> str:
        return self.display_name


class Organisation(Base):
    """An intergovernmental organisation, UN entity, non-governmental organisation or media."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    acronym: Mapped[str | None] = mapped_column(sa.String(30))
    kind: Mapped[OrganisationKind] = mapped_column(enum_type(OrganisationKind))

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name


class Currency(Base):
    """An ISO 4217 currency and its minor-unit exponent (2 for USD, 0 for JPY, 3 for KWD)."""

    __tablename__ = "currency"
    __table_args__ = (sa.CheckConstraint("minor_unit BETWEEN 0 AND 4", name="minor_unit_range"),)

    code: Mapped[str] = mapped_column(sa.String(3), primary_key=True)
    numeric_code: Mapped[str] = mapped_column(sa.String(3))
    name: Mapped[str] = mapped_column(sa.String(120))
    minor_unit: Mapped[int]

    @property
    def display_name(self) -> str:
        return currency_name(self.code, self.name)
