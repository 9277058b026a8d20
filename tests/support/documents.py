"""What the document storage holds, read and written the way the application does, whichever
backend the run uses (a folder or S3)."""

from __future__ import annotations

from meetings.documents.backends import key_of, read
from meetings.documents.storage import storage


def stored_bytes(stored_name: str) -> bytes | None:
    """The bytes kept for a document, or None when the storage has none."""
    try:
        return read(storage(), key_of(stored_name))
    except FileNotFoundError:
        return None


def stored_keys() -> set[str]:
    return {stored.key for stored in storage().objects()}


def put(key: str, data: bytes) -> None:
    storage().put(key, data)


def remove(stored_name: str) -> None:
    storage().delete(key_of(stored_name))
