"""Keeping the document storage and the document table in step.

A file is written before its row commits. When the transaction rolls back, the file is removed at
once; when the process dies first (a worker killed mid-request, a power cut), the file stays with
no row: an orphan. ``sweep`` removes orphans and partial writes older than a grace period (a file
younger than that may belong to a transaction still in flight). ``damaged`` lists documents whose
file is missing or altered (after a restore, say)."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from meetings.documents.backends import Storage, StorageError, key_of, read, sha256
from meetings.documents.models import Document
from meetings.documents.storage import storage
from meetings.extensions import db

GRACE_SECONDS = 3600


@dataclass(frozen=True)
class Sweep:
    removed: list[str]
    kept: int


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sweep(*, grace_seconds: int = GRACE_SECONDS, dry_run: bool = False) -> Sweep:
    """Remove objects that no document row names and partial writes, older than the grace."""
    where = storage()
    known = {key_of(name) for name in db.session.scalars(sa.select(Document.stored_name))}
    cutoff = time.time() - grace_seconds
    removed, kept = [], 0
    for stored in where.objects():
        if stored.key in known:
            kept += 1
            continue
        if stored.modified > cutoff:
            continue
        removed.append(stored.key)
        if not dry_run:
            where.delete(stored.key)
    return Sweep(removed=removed, kept=kept)


def damaged() -> list[str]:
    """The stored names of documents whose file is missing or does not match its checksum."""
    where = storage()
    found = []
    for stored_name, digest in db.session.execute(sa.select(Document.stored_name, Document.sha256)):
        if sha256(where, key_of(stored_name)) != digest:
            found.append(stored_name)
    return found


@dataclass(frozen=True)
class Migration:
    copied: list[str]
    already: int
    unusable: list[str]  # missing from the source, or not matching their checksum there


def migrate(source: Storage, target: Storage) -> Migration:
    """Copy every document from ``source`` to ``target``, each checked against the SHA-256 the
    database holds before and after the copy. Resumable: a document the target already holds
    intact is not copied again. Nothing is deleted from the source."""
    copied, unusable, already = [], [], 0
    rows = db.session.execute(
        sa.select(Document.stored_name, Document.sha256).order_by(Document.id)
    ).all()
    for stored_name, digest in rows:
        key = key_of(stored_name)
        if sha256(target, key) == digest:
            already += 1
            continue
        try:
            data = read(source, key)
        except FileNotFoundError:
            unusable.append(stored_name)
            continue
        if hashlib.sha256(data).hexdigest() != digest:
            unusable.append(stored_name)
            continue
        target.put(key, data)
        if sha256(target, key) != digest:
            raise StorageError(f"{key} was altered on its way to {target.url}; stopped.")
        copied.append(key)
    return Migration(copied=copied, already=already, unusable=unusable)
