"""The schema's owner runs the migrations; the application connects as a role that reads and
writes rows and nothing else: it cannot switch off the ledger's append-only trigger, alter or
drop a table, or rewrite the ledger or the audit log (PostgreSQL)."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from meetings.extensions import db
from meetings.reference.services import load_reference_data
from meetings.roles import grant
from tests.conftest import make_app

pytestmark = pytest.mark.no_test_transaction


def test_the_application_s_role_cannot_undo_what_the_schema_guards(
    database_url: str, empty_database: str, tmp_path: Path
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("roles are PostgreSQL's")
    token = secrets.token_hex(3)
    owner, application = f"meetings_owner_{token}", f"meetings_app_{token}"
    target = sa.engine.make_url(empty_database)
    server = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.exec_driver_sql(f"CREATE ROLE {owner} LOGIN")
        connection.exec_driver_sql(f"CREATE ROLE {application} LOGIN")
        connection.exec_driver_sql(f"ALTER DATABASE {target.database} OWNER TO {owner}")
    as_owner = target.set(username=owner).render_as_string(False)
    as_application = target.set(username=application).render_as_string(False)
    try:
        migrations = make_app(as_owner, tmp_path / "owner")
        with migrations.app_context():
            upgrade()
            grant(application)
            db.engine.dispose()

        served = make_app(as_application, tmp_path / "application")
        with served.app_context():
            load_reference_data()  # rows: read and written
            db.session.commit()
            assert served.test_client().get("/healthz").status_code == 200
            refused = [
                "ALTER TABLE ledger_entry DISABLE TRIGGER ledger_entry_no_update",
                "UPDATE ledger_entry SET description = 'changed'",
                "DELETE FROM audit_entry",
                "TRUNCATE ledger_entry",
                "DROP TABLE registration",
                "CREATE TABLE mine (id integer)",
            ]
            for statement in refused:
                with db.engine.connect() as connection, pytest.raises(sa.exc.ProgrammingError):
                    connection.exec_driver_sql(statement)
            db.session.remove()
            db.engine.dispose()
    finally:
        with server.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {target.database} WITH (FORCE)")
            connection.exec_driver_sql(f"DROP ROLE IF EXISTS {application}")
            connection.exec_driver_sql(f"DROP ROLE IF EXISTS {owner}")
        server.dispose()
