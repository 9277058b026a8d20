"""Reading statements: what a delegation may choose (sittings, agenda items), the public list
with its filters, a delegation's own, the secretariat's whole list, and a statement's files."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from meetings.auth.models import User
from meetings.auth.permissions import Permission, has_permission
from meetings.errors import NotFound, PermissionDenied
from meetings.extensions import db
from meetings.floor.statement_models import (
    Statement,
    StatementFile,
    StatementLanguage,
    StatementStatus,
)
from meetings.registration.models import Delegation
from meetings.schedule.models import Sitting, SittingKind, SittingStatus

S = StatementStatus


def sittings_for_statements(meeting_id: int) -> list[Sitting]:
    """The meeting's sittings a statement can be for (scheduled, not side events)."""
    return list(
        db.session.scalars(
            sa.select(Sitting)
            .where(
                Sitting.meeting_id == meeting_id,
                Sitting.status == SittingStatus.SCHEDULED,
                Sitting.kind != SittingKind.SIDE_EVENT,
            )
            .order_by(Sitting.starts_at)
        )
    )


def agenda_items_of(meeting_id: int) -> list[str]:
    """The agenda items of the meeting's sittings, each once, in the order they first appear."""
    texts = db.session.scalars(
        sa.select(Sitting.agenda_items)
        .where(Sitting.meeting_id == meeting_id, Sitting.agenda_items != "")
        .order_by(Sitting.starts_at)
    )
    found: dict[str, None] = {}
    for text in texts:
        for line in text.splitlines():
            if line.strip():
                found.setdefault(line.strip()[:200], None)
    return list(found)


def history(statement: Statement) -> list[StatementFile]:
    return list(
        db.session.scalars(
            sa.select(StatementFile)
            .where(StatementFile.statement_id == statement.id)
            .order_by(StatementFile.version.desc())
        )
    )


def file_of(statement: Statement, version: int) -> StatementFile:
    found = db.session.scalar(
        sa.select(StatementFile).where(
            StatementFile.statement_id == statement.id, StatementFile.version == version
        )
    )
    if found is None:
        raise NotFound(_("This statement has no such file."))
    return found


@dataclass(frozen=True)
class StatementFilter:
    state_id: int | None = None
    agenda_item: str = ""
    language: StatementLanguage | None = None
    sitting_id: int | None = None


def public_statements(meeting_id: int, chosen: StatementFilter) -> list[Statement]:
    """The meeting's statements everyone may read, by sitting then delegation."""
    query = (
        sa.select(Statement)
        .outerjoin(Sitting, Sitting.id == Statement.sitting_id)
        .where(
            Statement.meeting_id == meeting_id,
            Statement.status != S.WITHDRAWN,
            sa.or_(Statement.status == S.DELIVERED, sa.not_(Statement.embargoed)),
        )
        .order_by(Sitting.starts_at, Statement.delivered_at, Statement.id)
    )
    if chosen.state_id is not None:
        query = query.join(Delegation, Delegation.id == Statement.delegation_id).where(
            Delegation.state_id == chosen.state_id
        )
    if chosen.agenda_item:
        query = query.where(Statement.agenda_item == chosen.agenda_item)
    if chosen.language is not None:
        query = query.where(Statement.language == chosen.language)
    if chosen.sitting_id is not None:
        query = query.where(Statement.sitting_id == chosen.sitting_id)
    return list(db.session.scalars(query))


def statements_of(delegation_id: int) -> list[Statement]:
    return list(
        db.session.scalars(
            sa.select(Statement)
            .where(Statement.delegation_id == delegation_id)
            .order_by(Statement.created_at.desc(), Statement.id.desc())
        )
    )


def all_statements(actor: User, meeting_id: int) -> list[Statement]:
    """Every statement of the meeting, embargoed ones included: the secretariat's list."""
    if not has_permission(actor, Permission.MANAGE_SCHEDULE):
        raise PermissionDenied(_("You do not have permission to do this."))
    return list(
        db.session.scalars(
            sa.select(Statement)
            .outerjoin(Sitting, Sitting.id == Statement.sitting_id)
            .where(Statement.meeting_id == meeting_id)
            .order_by(Sitting.starts_at, Statement.id)
        )
    )
