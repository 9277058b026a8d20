"""Two people at the same instant: real threads, real connections, real commits.

``committed_context(app)`` gives a test an application context whose work is committed for real
and removed again afterwards (every table but the reference data); ``race(app, actions)`` runs
actions in threads released at the same instant, each in its own context and transaction.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from flask import Flask

from meetings.errors import DomainError
from meetings.extensions import db


def reference_tables() -> frozenset[str]:
    """The tables that hold rows right after set-up (migrations and reference data): they are
    kept between tests; every other table is emptied."""
    inspector = sa.inspect(db.engine)
    names = set()
    with db.engine.connect() as connection:
        for name in inspector.get_table_names():
            table = sa.table(name)
            if connection.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first():
                names.add(name)
    return frozenset(names)


def empty_tables(keep: frozenset[str]) -> None:
    """Delete every row of every table except ``keep``, children first. Foreign keys that form a
    cycle (declared ``use_alter``) are cleared first. The append-only triggers of the ledger are
    set aside for this (test clean-up is the one thing allowed to remove ledger entries)."""
    triggers: list[str] = []
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text("SET LOCAL session_replication_role = replica"))
    else:
        rows = db.session.execute(
            sa.text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        ).all()
        for name, sql in rows:
            db.session.execute(sa.text(f'DROP TRIGGER "{name}"'))
            triggers.append(sql)
    tables = [t for t in reversed(db.metadatas[None].sorted_tables) if t.name not in keep]
    for table in tables:
        for constraint in table.foreign_key_constraints:
            if constraint.use_alter:
                db.session.execute(
                    table.update().values({column.name: None for column in constraint.columns})
                )
    for table in tables:
        db.session.execute(table.delete())
    for sql in triggers:
        db.session.execute(sa.text(sql))
    db.session.commit()


@contextmanager
def committed_context(app: Flask, keep: frozenset[str]) -> Iterator[Flask]:
    with app.app_context():
        try:
            yield app
        finally:
            db.session.rollback()
            empty_tables(keep)
            db.session.remove()


def race(app: Flask, actions: list[Callable[[], object]]) -> list[str]:
    """Run the actions in threads released at the same instant; each commits or rolls back.
    Returns "ok" or the DomainError message of each, in the order they finished."""
    barrier = threading.Barrier(len(actions))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(action: Callable[[], object]) -> None:
        with app.app_context():
            barrier.wait()
            try:
                action()
                db.session.commit()
                result = "ok"
            except DomainError as error:
                db.session.rollback()
                result = error.message
            except Exception as error:
                db.session.rollback()
                result = f"unexpected {type(error).__name__}: {error}"
            finally:
                db.session.remove()
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes
