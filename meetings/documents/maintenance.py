"""Keeping the upload folder and the document table in step.

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

from meetings.documents.models import Document
from meetings.documents.storage import folder, path_of
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
    """Remove files that no document row names and partial writes, older than the grace."""
    root = folder()
    if not root.is_dir():
        return Sweep(removed=[], kept=0)
    known = set(db.session.scalars(sa.select(Document.stored_name)))
    cutoff = time.time() - grace_seconds
    removed, kept = [], 0
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        if path.name in known:
            kept += 1
            continue
        if path.stat().st_mtime > cutoff:
            continue
        removed.append(str(path.relative_to(root)))
        if not dry_run:
            path.unlink(missing_ok=True)
    return Sweep(removed=removed, kept=kept)


def damaged() -> list[str]:
    """The stored names of documents whose file is missing or does not match its checksum."""
    found = []
    for stored_name, digest in db.session.execute(sa.select(Document.stored_name, Document.sha256)):
        path = path_of(stored_name)
        if not path.is_file() or sha256_of(path) != digest:
            found.append(stored_name)
    return found
