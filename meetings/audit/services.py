"""The one helper every service uses to write the audit log."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from meetings.audit.models import AuditEntry
from meetings.auth.permissions import Permission, require
from meetings.extensions import db
from meetings.pagination import Page, paginate

if TYPE_CHECKING:
    from meetings.auth.models import User


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    return value


def record(
    actor: User | None,
    action: str,
    target: Any,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str | None = None,
) -> AuditEntry:
    """Write one audit entry for ``target`` (a mapped instance, flushed if it has no id yet)."""
    if sa.inspect(target).identity is None:
        db.session.flush()
    identity = sa.inspect(target).identity
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        action=action,
        target_type=type(target).__tablename__,
        target_id=":".join(str(part) for part in identity or ()),
        before=_plain(before) if before is not None else None,
        after=_plain(after) if after is not None else None,
        reason=reason,
    )
    db.session.add(entry)
    return entry


def entries_for(target: Any) -> list[AuditEntry]:
    identity = sa.inspect(target).identity
    return list(
        db.session.scalars(
            sa.select(AuditEntry)
            .where(
                AuditEntry.target_type == type(target).__tablename__,
                AuditEntry.target_id == ":".join(str(part) for part in identity or ()),
            )
            .order_by(AuditEntry.id)
        )
    )


def list_entries(actor: User, *, page: int = 1, per_page: int = 50) -> Page[AuditEntry]:
    """The newest entries first; the acting users are loaded with the page (no query per row)."""
    require(actor, Permission.VIEW_AUDIT_LOG)
    query = (
        sa.select(AuditEntry).options(selectinload(AuditEntry.actor)).order_by(AuditEntry.id.desc())
    )
    return paginate(query, page=page, per_page=per_page)
