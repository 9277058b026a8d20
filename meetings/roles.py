"""Two PostgreSQL roles: one owns the schema and runs the migrations, the application connects
as another that may only read and write rows. The application's role cannot alter a table,
disable the ledger's append-only trigger, or drop anything; on the ledger it may only read and
add (no UPDATE, DELETE or TRUNCATE even granted, beside the trigger that refuses them).

``flask db grant ROLE``, run with the owner's MEETINGS_DATABASE_URL after every ``flask db
upgrade``, grants ROLE what it needs on every table and sequence there is (see the README).
"""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import with_appcontext
from flask_migrate.cli import db as migrate_group

from meetings.extensions import db

APPEND_ONLY_TABLES = ("ledger_entry", "audit_entry")


def grant_statements(role: str, tables: list[str]) -> list[str]:
    quoted = sa.sql.quoted_name(role, quote=True)
    name = f'"{quoted}"'
    statements = [
        f"GRANT USAGE ON SCHEMA public TO {name}",
        f"REVOKE CREATE ON SCHEMA public FROM {name}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {name}",
    ]
    for table in tables:
        if table in APPEND_ONLY_TABLES:
            statements.append(f'GRANT SELECT, INSERT ON TABLE "{table}" TO {name}')
            statements.append(f'REVOKE UPDATE, DELETE, TRUNCATE ON TABLE "{table}" FROM {name}')
        elif table == "alembic_version":
            statements.append(f'GRANT SELECT ON TABLE "{table}" TO {name}')
        else:
            statements.append(f'GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE "{table}" TO {name}')
    return statements


def grant(role: str) -> list[str]:
    """Grant ``role`` row access to every table (read and add only on the append-only ones);
    the statements run."""
    if db.engine.dialect.name != "postgresql":
        raise click.ClickException("Roles are PostgreSQL's: SQLite has one user, the file's.")
    tables = sa.inspect(db.engine).get_table_names(schema="public")
    statements = grant_statements(role, sorted(tables))
    with db.engine.begin() as connection:
        for statement in statements:
            connection.exec_driver_sql(statement)
    return statements


@click.command("grant")
@click.argument("role")
@with_appcontext
def grant_command(role: str) -> None:
    """Let the application's ROLE read and write rows (run as the schema's owner, after every
    upgrade); it gets no right to alter, drop or truncate anything."""
    statements = grant(role)
    click.echo(f"granted {role} row access to {len(statements) - 3} table(s)")


def init_app() -> None:
    migrate_group.add_command(grant_command)
