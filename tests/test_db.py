"""Database behaviour: UTC datetimes, and SQLite write transactions that lock at BEGIN."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError, StatementError

from meetings.db import mark_read_only, reset_read_only
from meetings.extensions import db
from tests.factories.auth import make_user


def test_datetimes_are_stored_in_utc_and_read_back_aware() -> None:
    user = make_user()
    user.last_login_at = datetime(2018, 6, 18, 10, 0, tzinfo=timezone(timedelta(hours=-4)))
    db.session.flush()
    db.session.expire(user)
    assert user.last_login_at == datetime(2018, 6, 18, 14, 0, tzinfo=UTC)
    assert user.last_login_at.tzinfo is not None
    assert user.last_login_at.utcoffset() == timedelta(0)


def test_a_naive_datetime_is_refused() -> None:
    user = make_user()
    user.last_login_at = datetime(2018, 6, 18, 10, 0)  # noqa: DTZ001
    with pytest.raises(StatementError, match="naive datetime"):
        db.session.flush()
    db.session.rollback()


@pytest.mark.no_test_transaction
def test_sqlite_writers_take_the_lock_at_begin_and_readers_do_not_wait(tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'lock.sqlite3'}")
    with engine.begin() as setup:
        setup.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    with engine.connect() as writer, engine.connect() as other:
        other.connection.dbapi_connection.execute("PRAGMA busy_timeout = 50")  # no autobegin
        writer.begin()  # BEGIN IMMEDIATE: holds the write lock before any statement
        with pytest.raises(OperationalError, match="locked"):
            other.begin()
        other.rollback()
        token = mark_read_only(True)
        try:
            with other.begin():
                assert other.exec_driver_sql("SELECT count(*) FROM t").scalar() == 0
        finally:
            reset_read_only(token)
        writer.rollback()
    engine.dispose()
