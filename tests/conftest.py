"""Fixtures: one application per test session, one rolled-back transaction per test.

The suite runs on a temporary SQLite file by default and on PostgreSQL when TEST_DATABASE_URL is
set (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test). The schema is built by running the
migrations, so the migrations are tested on every run.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy import orm

from meetings import create_app
from meetings.auth.models import Role, User
from meetings.extensions import db, mail
from meetings.fund.ledger import forget_kept_sums
from meetings.reference.services import load_reference_data
from meetings.schedule.versions import forget_stamps
from tests.factories.auth import make_user
from tests.support import Client, QueryCounter, count_queries
from tests.support import outbox as sent_mail
from tests.support.concurrency import committed_context, reference_tables
from tests.support.outbox import Outbox
from tests.support.s3 import Storages, create_bucket, moto_server, use_test_credentials


def _reset_schema(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql("DROP SCHEMA public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('database') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def storages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Storages]:
    """Document storages for the run: folders, or with TEST_STORAGE=s3 key prefixes in a
    bucket of moto's S3 server on loopback (make test-s3)."""
    root = tmp_path_factory.mktemp("storage")
    kind = os.environ.get("TEST_STORAGE", "folder")
    if kind == "folder":
        yield Storages(root, None)
        return
    assert kind == "s3", f"TEST_STORAGE is folder or s3, not {kind!r}"
    use_test_credentials()
    with moto_server() as endpoint:
        create_bucket(endpoint)
        yield Storages(root, endpoint)


def make_app(
    database_url: str, instance: Path, *, storage_url: str | None = None, **overrides: Any
) -> Flask:
    """An application on ``database_url``; its documents in ``storage_url`` (by default a
    folder in ``instance``)."""
    return create_app(
        {
            "ENV_NAME": "testing",
            "DATABASE_URL": database_url,
            "INSTANCE_PATH": str(instance),
            "STORAGE_URL": storage_url,
            **overrides,
        }
    )


@pytest.fixture(scope="session")
def app(
    database_url: str, tmp_path_factory: pytest.TempPathFactory, storages: Storages
) -> Iterator[Flask]:
    _reset_schema(database_url)
    application = make_app(
        database_url, tmp_path_factory.mktemp("instance"), storage_url=storages.new("uploads")
    )
    with application.app_context():
        upgrade()
        load_reference_data()
        db.session.commit()
        application.extensions["test_reference_tables"] = reference_tables()
        db.session.remove()
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture
def connection(app: Flask) -> Iterator[sa.Connection]:
    """The test's one connection, inside a transaction that is rolled back at the end."""
    with app.app_context():
        conn = db.engine.connect()
        transaction = conn.begin()
        original = db.session
        factory = orm.sessionmaker(
            bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        db.session = orm.scoped_session(factory, scopefunc=_app_ctx_id)  # type: ignore[misc]
        try:
            yield conn
        finally:
            db.session.remove()
            db.session = original  # type: ignore[misc]
            transaction.rollback()
            conn.close()


@pytest.fixture(autouse=True)
def _test_transaction(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test gets the rolled-back transaction, except those that commit for real."""
    if "app" in request.fixturenames:
        with request.getfixturevalue("app").app_context():
            forget_stamps()  # kept from a test whose data has been rolled back
            forget_kept_sums()
    marker = request.node.get_closest_marker
    if marker("concurrency") or marker("no_test_transaction"):
        yield
        return
    app = request.getfixturevalue("app")
    request.getfixturevalue("connection")
    with app.app_context():
        mail.outbox.clear()
        sent_mail.committed.clear()
        yield


@pytest.fixture
def empty_database(tmp_path: Path, database_url: str) -> Iterator[str]:
    """The address of a new, empty database of the same kind as the suite's (removed after)."""
    if not database_url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'elsewhere.sqlite3'}"
        return
    name = f"elsewhere_{secrets.token_hex(4)}"
    server = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.exec_driver_sql(f"CREATE DATABASE {name}")
    try:
        yield sa.engine.make_url(database_url).set(database=name).render_as_string(False)
    finally:
        with server.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        server.dispose()


@pytest.fixture
def committed(app: Flask) -> Iterator[Flask]:
    """An application context whose work is committed for real, and removed afterwards (with
    the ``concurrency`` marker, which runs the test outside the rolled-back transaction)."""
    with committed_context(app, app.extensions["test_reference_tables"]) as context:
        yield context


@pytest.fixture
def client(app: Flask) -> Client:
    app.test_client_class = Client
    return app.test_client()  # type: ignore[return-value]


@pytest.fixture
def outbox() -> Outbox:
    """The mail sent so far (reading it runs the outbox worker once, as in production)."""
    return Outbox()


@pytest.fixture
def queries(connection: sa.Connection) -> Callable[[], Any]:
    """``with queries() as counted: ...`` counts the statements sent on the test's connection."""
    return lambda: count_queries(connection)


PASSWORD = "correct horse battery staple"


@pytest.fixture
def login(client: Client) -> Callable[..., User]:
    """``login(user)`` logs ``user`` in through the real login form; ``login(Role.X)`` makes one."""

    def _login(who: User | Role, **kwargs: Any) -> User:
        user = who if isinstance(who, User) else make_user(roles=[who], **kwargs)
        db.session.commit()
        response = client.submit("/login", {"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return _login


__all__ = ["PASSWORD", "QueryCounter"]
