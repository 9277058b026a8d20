"""The one helper every service uses to write the audit log."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from meetings import clock
from meetings.audit import subjects
from meetings.audit.models import AuditEntry
from meetings.auth.models import User
from meetings.auth.permissions import Permission, require
from meetings.extensions import db
from meetings.pagination import Page, paginate


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


def record_created(
    actor: User | None, action: str, table: str, created: list[tuple[int, dict[str, Any]]]
) -> None:
    """One audit entry per row of ``table`` created in bulk (id, values after), in one INSERT:
    for imports of thousands of rows."""
    if not created:
        return
    now = clock.now()
    db.session.connection().execute(
        sa.insert(cast(sa.Table, AuditEntry.__table__)),
        [
            {
                "occurred_at": now,
                "actor_id": actor.id if actor is not None else None,
                "action": action,
                "target_type": table,
                "target_id": str(row_id),
                "before": None,
                "after": _plain(after),
                "reason": None,
            }
            for row_id, after in created
        ],
    )


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
        occurred_at=clock.now(),
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


@dataclass(frozen=True)
class AuditFilter:
    who: str = ""  # part of the acting person's name or e-mail address
    kind: str = ""  # a target type (table name)
    since: date | None = None  # the first day shown (UTC) ...
    until: date | None = None  # ... and the last


def visible(actor: User) -> sa.ColumnElement[bool]:
    """The entries ``actor`` may read: those of the kinds of record their permissions manage."""
    require(actor, Permission.VIEW_AUDIT_LOG)
    if subjects.sees_undeclared(actor):
        return sa.true()
    tables = [subject.table for subject in subjects.readable_by(actor)]
    return AuditEntry.target_type.in_(tables)


def list_entries(
    actor: User, filters: AuditFilter | None = None, *, page: int = 1, per_page: int = 50
) -> Page[AuditEntry]:
    """The newest entries first, of what ``actor`` manages; the acting users are loaded with the
    page (no query per row)."""
    filters = filters or AuditFilter()
    query = (
        sa.select(AuditEntry)
        .where(visible(actor))
        .options(selectinload(AuditEntry.actor))
        .order_by(AuditEntry.id.desc())
    )
    if filters.kind:
        query = query.where(AuditEntry.target_type == filters.kind)
    if filters.who:
        pattern = "%" + filters.who.strip().lower().replace("%", "").replace("_", "") + "%"
        query = query.where(
            AuditEntry.actor_id.in_(
                sa.select(User.id).where(
                    sa.or_(sa.func.lower(User.full_name).like(pattern), User.email.like(pattern))
                )
            )
        )
    if filters.since is not None:
        query = query.where(AuditEntry.occurred_at >= _midnight(filters.since))
    if filters.until is not None:
        query = query.where(AuditEntry.occurred_at < _midnight(filters.until + timedelta(days=1)))
    return paginate(query, page=page, per_page=per_page)


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


# --- reading an entry ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    field: str
    before: Any
    after: Any


def changes(entry: AuditEntry) -> list[Change]:
    """The fields an entry changed, as rows: on a creation every field, on an update only those
    whose value differs (unchanged fields repeated in both halves are left out)."""
    before = entry.before or {}
    after = entry.after or {}
    rows = []
    for field in [*before, *(key for key in after if key not in before)]:
        old, new = before.get(field), after.get(field)
        if field in before and field in after and old == new:
            continue
        rows.append(Change(field=field.replace("_", " "), before=old, after=new))
    return rows


@dataclass(frozen=True)
class EntryView:
    entry: AuditEntry
    kind: str
    link: str | None
    changes: list[Change]


def present(entries: list[AuditEntry]) -> list[EntryView]:
    """One page of entries ready to show: the kind of record in words, a link to it where it has a
    page (one query per kind on the page, not per row), the changed fields as rows."""
    links = subjects.links_for((entry.target_type, entry.target_id) for entry in entries)
    views = []
    for entry in entries:
        subject = subjects.subject_of(entry.target_type)
        views.append(
            EntryView(
                entry=entry,
                kind=str(subject.label) if subject else entry.target_type.replace("_", " "),
                link=links.get((entry.target_type, entry.target_id)),
                changes=changes(entry),
            )
        )
    return views
