from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meetings import clock
from meetings.db import Base, enum_type
from meetings.reference.models import Organisation, State


class Role(StrEnum):
    DELEGATE = "delegate"
    FOCAL_POINT = "focal_point"
    SECRETARIAT = "secretariat"
    FUND_ADMINISTRATOR = "fund_administrator"
    DONOR = "donor"
    ADMIN = "admin"


class User(Base):
    """A person with an account. ``session_version`` is part of the login identifier: raising it
    ends every session that was opened with the old value."""

    __tablename__ = "user"
    __table_args__ = (sa.CheckConstraint("email = lower(email)", name="email_lowercase"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(200))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    locale: Mapped[str | None] = mapped_column(sa.String(10))
    active: Mapped[bool] = mapped_column(default=True)
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=clock.stamp)
    last_login_at: Mapped[datetime | None]
    # Set when the person proved they read mail at ``email`` (a signed link); until then nothing
    # is linked to the account by its address, and it receives only the verification message.
    email_verified_at: Mapped[datetime | None]
    password_changed_at: Mapped[datetime] = mapped_column(default=clock.stamp)
    # Secret part of the personal calendar feed address; replaced to revoke the old address.
    calendar_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True)

    role_assignments: Mapped[list[RoleAssignment]] = relationship(
        back_populates="user",
        lazy="selectin",
        cascade="all, delete-orphan",
        foreign_keys="RoleAssignment.user_id",
        order_by="RoleAssignment.role",
    )

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}.{self.session_version}"

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(assignment.role for assignment in self.role_assignments)

    def has_role(self, role: Role) -> bool:
        return role in self.roles

    @property
    def focal_point_assignment(self) -> RoleAssignment | None:
        for assignment in self.role_assignments:
            if assignment.role is Role.FOCAL_POINT:
                return assignment
        return None

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class RoleAssignment(Base):
    """A role held by a user. A focal point acts for exactly one State or one organisation; the
    other roles are not scoped. A user holds each role at most once."""

    __tablename__ = "role_assignment"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "role"),
        sa.CheckConstraint(
            "(role = 'focal_point' AND ((state_id IS NULL) <> (organisation_id IS NULL)))"
            " OR (role <> 'focal_point' AND state_id IS NULL AND organisation_id IS NULL)",
            name="focal_point_scope",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(enum_type(Role))
    state_id: Mapped[int | None] = mapped_column(sa.ForeignKey("state.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisation.id"), index=True
    )
    granted_at: Mapped[datetime] = mapped_column(default=clock.stamp)
    granted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    user: Mapped[User] = relationship(back_populates="role_assignments", foreign_keys=[user_id])
    state: Mapped[State | None] = relationship(lazy="joined")
    organisation: Mapped[Organisation | None] = relationship(lazy="joined")

    @property
    def scope_label(self) -> str:
        if self.state is not None:
            return self.state.display_name
        if self.organisation is not None:
            return str(self.organisation)
        return ""
