"""The public face of documents: check an upload, keep it as a Document, serve it."""

from __future__ import annotations

from typing import IO

from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response

from meetings.auth.models import User
from meetings.documents import storage
from meetings.documents.models import Document
from meetings.documents.photos import passport_photo
from meetings.documents.storage import (
    LETTER_TYPES,
    STATEMENT_TYPES,
    Upload,
    UploadTooLarge,
    read_upload,
)
from meetings.extensions import db

__all__ = [
    "STATEMENT_TYPES",
    "Document",
    "Upload",
    "UploadTooLarge",
    "new_document",
    "new_photo",
    "read_upload",
    "send_document",
    "upload_from",
]


def upload_from(
    storage_field: FileStorage | None, *, field: str, accept: frozenset[str] = LETTER_TYPES
) -> Upload | None:
    """The checked file of a form's file field; None when no file was chosen."""
    if storage_field is None or not getattr(storage_field, "filename", ""):
        return None
    stream: IO[bytes] = storage_field.stream
    return read_upload(stream, storage_field.filename, field=field, accept=accept)


def new_document(actor: User | None, upload: Upload) -> Document:
    """Keep ``upload``: the file is written now and removed again if the transaction rolls
    back; the row is flushed so that the caller can point at it."""
    document = Document(
        stored_name=storage.store(db.session, upload),
        original_name=upload.original_name,
        content_type=upload.content_type,
        size=upload.size,
        sha256=upload.sha256,
        uploaded_by_id=actor.id if actor else None,
    )
    db.session.add(document)
    db.session.flush()
    return document


def send_document(document: Document | None, *, missing: str, inline: bool = False) -> Response:
    """The document as a download (or a photo shown in a page, ``inline``). The caller has
    checked that the reader may see what the document belongs to; ``missing`` is the 404
    message when there is no document."""
    return storage.send(document, missing=missing, inline=inline)


def new_photo(actor: User | None, upload: Upload, *, field: str) -> Document:
    """Keep a passport photo: checked as an image, cropped to the passport ratio, re-encoded."""
    return new_document(actor, passport_photo(upload, field=field))
