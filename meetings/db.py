"""Declarative base, column types and database-engine behaviour shared by every feature."""

from __future__ import annotations

import enum
import re
import sqlite3
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    SessionTransaction,
    mapped_column,
    registry,
    scoped_session,
)

from meetings import clock

# Stable constraint names, so that migrations can refer to them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(sa.TypeDecorator[datetime]):
    """An aware datetime stored in UTC; naive datetimes are refused, never guessed."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r} given where an aware one is required")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class MinorUnits(sa.TypeDecorator[int]):
    """A whole number of a currency's minor units in a 64-bit integer. Anything but an ``int``
    (a float, a Decimal) is refused, never rounded: money is counted, not measured."""

    impl = sa.BigInteger()
    cache_ok = True

    def process_bind_param(self, value: int | None, dialect: Dialect) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"money must be whole minor units (int), not {value!r}")
        return value


class ExactDecimal(sa.TypeDecorator[Decimal]):
    """A Decimal kept exactly, as text, on every database (SQLite has no exact numeric type):
    exchange rates, which are written and read, never summed by the database."""

    impl = sa.String(40)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if not isinstance(value, Decimal) or not value.is_finite():
            raise TypeError(f"an exact decimal is required, not {value!r}")
        return format(value.normalize(), "f")

    def process_result_value(self, value: str | None, dialect: Dialect) -> Decimal | None:
        return Decimal(value) if value is not None else None


E = TypeVar("E", bound=enum.Enum)
T = TypeVar("T")


def enum_type(enum_class: type[E], name: str | None = None) -> sa.Enum:
    """A portable enum column: stored by *value* in a VARCHAR with a named CHECK constraint."""
    return sa.Enum(
        enum_class,
        name=name or _snake(enum_class.__name__),
        native_enum=False,
        create_constraint=True,
        length=max(len(str(member.value)) for member in enum_class),
        values_callable=lambda cls: [str(member.value) for member in cls],
        validate_strings=True,
    )


def _snake(name: str) -> str:
    """'UNStatus' -> 'un_status', 'SittingKind' -> 'sitting_kind'."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


class Base(DeclarativeBase):
    registry = registry(
        metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


class TimestampMixin:
    """``created_at`` once, ``updated_at`` whenever the ORM writes a change to the row."""

    created_at: Mapped[datetime] = mapped_column(default=clock.stamp)
    updated_at: Mapped[datetime] = mapped_column(default=clock.stamp, onupdate=clock.stamp)


# --- SQLite: WAL, foreign keys, and write transactions that take the lock at BEGIN -------------
#
# pysqlite's own transaction handling is switched off (isolation_level=None) and we emit BEGIN
# ourselves. A transaction that may write starts with BEGIN IMMEDIATE, so that a read-check-write
# sequence (a cap, an overlap, a balance) cannot interleave with another writer. Requests that
# cannot write (GET/HEAD) start with a plain deferred BEGIN, so readers never queue behind writers.

_read_only: ContextVar[bool] = ContextVar("meetings_sqlite_read_only", default=False)


def mark_read_only(value: bool) -> Any:
    return _read_only.set(value)


def reset_read_only(token: Any) -> None:
    _read_only.reset(token)


@sa.event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA busy_timeout = 15000")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


@sa.event.listens_for(Engine, "begin")
def _sqlite_on_begin(connection: Connection) -> None:
    if connection.dialect.name != "sqlite":
        return
    connection.exec_driver_sql("BEGIN" if _read_only.get() else "BEGIN IMMEDIATE")


# --- side effects that wait for the commit -------------------------------------------------------


class AfterCommit(Generic[T]):
    """Items (a file just written, a message to send) that belong to the transaction they were
    made in: ``commit(items)`` runs once the session's outermost transaction commits, and
    ``discard(items)`` runs for those made in a transaction (or savepoint) that rolls back.

    SQLAlchemy calls ``after_commit`` for savepoints too; a savepoint's items wait for the
    outermost commit, since that may still roll them back."""

    def __init__(
        self,
        key: str,
        commit: Callable[[list[T]], None],
        discard: Callable[[list[T]], None] | None = None,
    ) -> None:
        self.key = key
        self.commit = commit
        self.discard = discard
        sa.event.listen(Session, "after_commit", self._after_commit)
        sa.event.listen(Session, "after_soft_rollback", self._after_soft_rollback)

    def add(self, session: Session | scoped_session[Any], item: T) -> None:
        actual = session() if isinstance(session, scoped_session) else session
        transaction = actual.get_nested_transaction() or actual.get_transaction()
        actual.info.setdefault(self.key, []).append((item, transaction))

    def _after_commit(self, session: Session) -> None:
        if session.in_nested_transaction():
            return
        pending = session.info.pop(self.key, [])
        if pending:
            self.commit([item for item, _transaction in pending])

    def _after_soft_rollback(self, session: Session, previous: SessionTransaction) -> None:
        pending = session.info.get(self.key)
        if not pending:
            return
        undone = [item for item, transaction in pending if _inside(transaction, previous)]
        session.info[self.key] = [
            (item, transaction)
            for item, transaction in pending
            if not _inside(transaction, previous)
        ]
        if undone and self.discard is not None:
            self.discard(undone)


def _inside(transaction: SessionTransaction | None, ancestor: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False
