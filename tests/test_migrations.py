"""The models and the migrations describe the same schema (what ``flask db check`` verifies)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from meetings.extensions import db


def test_models_and_migrations_do_not_drift(connection) -> None:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "render_as_batch": True}
    )
    differences = compare_metadata(context, db.metadatas[None])
    assert differences == []
