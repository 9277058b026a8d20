"""``flask db backup`` and ``flask db restore``: a consistent copy of the database and of the
uploaded documents (from the folder or the object store), and the way back.

The database is copied first, in one consistent snapshot: SQLite's online backup API (the site
keeps running), or ``pg_dump`` for PostgreSQL (one transaction). The files of the documents in
the snapshot are copied after it: a document's file is written before its row commits and is
never changed afterwards, so every document in the snapshot already has its file by then. Files
no document names (orphans of a process that died) are left out.

A backup is a folder::

    database.sqlite3 | database.dump   the snapshot
    uploads/ab/ab12….pdf                the documents
    manifest.json                       when, which database, the files and their SHA-256
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_migrate.cli import db as migrate_group

from meetings import clock
from meetings.documents import maintenance
from meetings.documents.backends import chunks, key_of, private_folder, write_private
from meetings.documents.maintenance import sha256_of
from meetings.documents.models import Document
from meetings.documents.storage import storage
from meetings.extensions import db

SQLITE_FILE = "database.sqlite3"
POSTGRES_FILE = "database.dump"
UPLOADS = "uploads"
MANIFEST = "manifest.json"


class BackupError(Exception):
    """The backup or restore could not be made; the message says why and what to do."""


@dataclass(frozen=True)
class Result:
    folder: Path
    database: str
    files: int


def _sqlite_path(url: sa.URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up.")
    return Path(url.database)


def _libpq(url: sa.URL) -> tuple[str, dict[str, str]]:
    """A libpq address for pg_dump/pg_restore, and the environment carrying the password (not
    the command line, which other users of the machine can read)."""
    address = url.set(drivername="postgresql", password=None).render_as_string()
    environment = dict(os.environ)
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    return address, environment


def _run(command: list[str], environment: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(
            f"{command[0]} is not installed: install the PostgreSQL client tools "
            "(Debian: apt-get install postgresql-client) of the server's version or newer."
        )
    finished = subprocess.run(  # noqa: S603 (arguments are ours, not the user's)
        command, env=environment, capture_output=True, text=True, check=False
    )
    if finished.returncode != 0:
        raise BackupError(f"{command[0]} failed: {finished.stderr.strip()}")


def _sqlite_copy(source_path: Path, target_path: Path) -> None:
    """SQLite's online backup: a consistent copy while others read and write."""
    source = sqlite3.connect(source_path)
    target = sqlite3.connect(target_path)
    try:
        with target:
            source.backup(target)
    finally:
        source.close()
        target.close()


def _documents_in(snapshot: Path, url: sa.URL) -> list[str]:
    """The stored names of the documents in the snapshot. A SQLite copy is read itself; for
    PostgreSQL the live table is read after the dump, which holds every document of the dump
    (and perhaps a few newer ones: harmless)."""
    if url.get_backend_name() == "sqlite":
        copy = sqlite3.connect(snapshot)
        try:
            return [name for (name,) in copy.execute("SELECT stored_name FROM document")]
        finally:
            copy.close()
    return list(db.session.scalars(sa.select(Document.stored_name)))


def backup(target: Path) -> Result:
    """Write a backup into the folder ``target``, which must not exist yet."""
    if target.exists():
        raise BackupError(f"{target} already exists: choose a new folder.")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.mkdir(mode=0o700)
    target.chmod(0o700)
    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        database = SQLITE_FILE
        _sqlite_copy(_sqlite_path(url), target / database)
    else:
        database = POSTGRES_FILE
        address, environment = _libpq(url)
        _run(
            ["pg_dump", "--format=custom", "--no-owner", f"--file={target / database}", address],
            environment,
        )
    (target / database).chmod(0o600)
    files = {}
    missing = []
    where = storage()
    for stored_name in _documents_in(target / database, url):
        key = key_of(stored_name)
        copy = target / UPLOADS / key
        private_folder(copy.parent, target)
        try:
            write_private(copy, b"".join(chunks(where, key)))
        except FileNotFoundError:
            missing.append(stored_name)
            continue
        files[key] = sha256_of(copy)
    if missing:
        # A host that cannot see the documents must not report a backup without them as done.
        raise BackupError(
            f"{len(missing)} of the documents the database names are missing from "
            f"{where.url} (e.g. {missing[0]}): this backup is incomplete. Run it where the "
            "documents are, or restore them first; the partial backup is left in "
            f"{target} for inspection."
        )
    manifest = {
        "taken_at": clock.now().isoformat(),
        "database": database,
        "backend": url.get_backend_name(),
        "files": files,
    }
    write_private(target / MANIFEST, json.dumps(manifest, indent=2).encode("utf-8"))
    return Result(folder=target, database=database, files=len(files))


def restore(source: Path) -> Result:
    """Replace the database with the backup in the folder ``source``; put its documents back."""
    manifest_path = source / MANIFEST
    if not manifest_path.is_file():
        raise BackupError(f"{source} is not a backup: it has no {MANIFEST}.")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    url = db.engine.url
    if manifest["backend"] != url.get_backend_name():
        raise BackupError(
            f"This backup is of a {manifest['backend']} database; "
            f"the configured database is {url.get_backend_name()}."
        )
    for relative, digest in manifest["files"].items():
        if sha256_of(source / UPLOADS / relative) != digest:
            raise BackupError(f"The copy of {relative} in the backup is damaged; nothing restored.")
    db.session.remove()
    db.engine.dispose()
    if url.get_backend_name() == "sqlite":
        _sqlite_copy(source / SQLITE_FILE, _sqlite_path(url))
    else:
        address, environment = _libpq(url)
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                f"--dbname={address}",
                str(source / POSTGRES_FILE),
            ],
            environment,
        )
    where = storage()
    for key in manifest["files"]:
        where.put(key, (source / UPLOADS / key).read_bytes())
    return Result(folder=source, database=manifest["database"], files=len(manifest["files"]))


# --- the commands, added to Flask-Migrate's ``flask db`` -----------------------------------------


@click.command("backup")
@click.argument("target", required=False, type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def backup_command(target: Path | None) -> None:
    """Copy the database and the uploaded documents into TARGET (a new folder; by default
    instance/backups/<UTC time>)."""
    if target is None:
        stamp = clock.now().strftime("%Y%m%dT%H%M%SZ")
        target = Path(current_app.instance_path) / "backups" / stamp
    try:
        result = backup(target)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"backed up the database ({result.database}) and {result.files} file(s) to {target}")


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask: the database is replaced.")
@with_appcontext
def restore_command(source: Path, yes: bool) -> None:
    """Replace the database with the backup in SOURCE and put its documents back."""
    if not yes:
        click.confirm("This replaces the whole database. Go on?", abort=True)
    try:
        result = restore(source)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"restored the database ({result.database}) and {result.files} file(s)")
    damaged = maintenance.damaged()
    if damaged:
        raise click.ClickException(
            f"{len(damaged)} document(s) have no file or an altered one: {', '.join(damaged[:5])}"
        )


def init_app(app: Flask) -> None:
    from meetings import roles

    roles.init_app()
    migrate_group.add_command(backup_command)
    migrate_group.add_command(restore_command)
