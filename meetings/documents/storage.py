"""Storing and serving uploaded files (the internals of meetings.documents).

A file is judged by its first bytes, never by its name or the type the browser claims; it is
stored under a generated name outside static/, and only a view that has checked permission serves
it. A file written during a transaction that rolls back is deleted again.
"""

from __future__ import annotations

import hashlib
import io
import logging
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol, cast

from flask import Flask, current_app, send_file
from flask_babel import gettext as _
from sqlalchemy.orm import Session, scoped_session
from werkzeug.wrappers import Response

from meetings.db import AfterCommit
from meetings.documents.backends import FolderStorage, Storage, key_of, open_storage
from meetings.errors import DomainError, NotFound

log = logging.getLogger(__name__)

# Leading bytes of the accepted kinds of document.
SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
)


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# What each kind of upload accepts: letters, advices and photos; statements (PDF or Word).
LETTER_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg"})
STATEMENT_TYPES = frozenset({"application/pdf", DOCX})


def _word_document(data: bytes) -> bool:
    """A Word (.docx) document: a ZIP holding word/document.xml, without macros. Only the
    ZIP's directory and its small content-types entry are read (never the whole archive)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "word/document.xml" not in names or "[Content_Types].xml" not in names:
                return False
            types = archive.getinfo("[Content_Types].xml")
            if types.file_size > 200_000:
                return False
            declared = archive.read(types).decode("utf-8", "replace")
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, ValueError):
        return False
    return "macroEnabled" not in declared and "wordprocessingml.document.main" in declared


class UploadTooLarge(DomainError):
    status_code = 413


@dataclass(frozen=True)
class Upload:
    """A checked upload, held in memory until the service that wants it decides to keep it."""

    data: bytes
    original_name: str
    content_type: str
    extension: str

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def sniff(head: bytes) -> tuple[str, str] | None:
    for signature, content_type, extension in SIGNATURES:
        if head.startswith(signature):
            return content_type, extension
    return None


def clean_name(filename: str | None) -> str:
    """The file's own name, as shown and offered on download: its last part, without control
    characters (a NUL would make every later download fail), at most 200 characters."""
    name = Path((filename or "").replace("\\", "/")).name
    name = "".join(c for c in name if c.isprintable() and c not in '"\r\n')
    return name.strip()[:200] or "document"


def upload_limit_mb() -> int:
    """MEETINGS_UPLOAD_MAX_BYTES in whole megabytes, for messages and hints."""
    return max(1, int(current_app.config["UPLOAD_MAX_BYTES"]) // 2**20)


def _refusal(accept: frozenset[str]) -> str:
    if accept == STATEMENT_TYPES:
        return str(_("The file is not a PDF or Word (.docx) document (whatever its name says)."))
    return str(_("The file is not a PDF, PNG or JPEG document (whatever its name says)."))


def read_upload(
    stream: IO[bytes],
    filename: str | None,
    *,
    field: str,
    accept: frozenset[str] = LETTER_TYPES,
) -> Upload:
    """Read and check one uploaded file: not empty, at most UPLOAD_MAX_BYTES, and by its
    content one of ``accept`` (PDF/PNG/JPEG unless said otherwise)."""
    limit = int(current_app.config["UPLOAD_MAX_BYTES"])
    data = stream.read(limit + 1)
    if not data:
        raise DomainError(_("The file is empty."), field=field)
    if len(data) > limit:
        raise UploadTooLarge(
            _(
                "The file is larger than %(mb)d MB. Please send a smaller file.",
                mb=upload_limit_mb(),
            ),
            field=field,
        )
    kind = sniff(data[:16])
    if kind is None and DOCX in accept and data.startswith(b"PK\x03\x04") and _word_document(data):
        kind = (DOCX, ".docx")
    if kind is None or kind[0] not in accept:
        raise DomainError(_refusal(accept), field=field)
    name = clean_name(filename)
    return Upload(data=data, original_name=name, content_type=kind[0], extension=kind[1])


def storage() -> Storage:
    """The application's document storage (MEETINGS_STORAGE_URL)."""
    return cast(Storage, current_app.extensions["meetings_storage"])


def init_app(app: Flask) -> None:
    url = app.config.get("STORAGE_URL") or Path(app.config["UPLOAD_FOLDER"]).resolve().as_uri()
    app.config["STORAGE_URL"] = url
    app.extensions["meetings_storage"] = open_storage(url)


def store(session: Session | scoped_session[Any], upload: Upload) -> str:
    """Write ``upload`` under a new generated name; deleted again if ``session`` rolls back."""
    stored_name = f"{secrets.token_hex(16)}{upload.extension}"
    where = storage()
    where.put(key_of(stored_name), upload.data)
    _new_files.add(session, (where, key_of(stored_name)))
    return stored_name


class StoredDocument(Protocol):
    stored_name: str
    original_name: str
    content_type: str


INLINE_TYPES = ("image/jpeg",)  # only photos we re-encoded ourselves are shown in a page


def send(document: StoredDocument | None, *, missing: str, inline: bool = False) -> Response:
    """The document as a download; NotFound with ``missing`` when there is none. ``inline``
    shows a photo in a page (only a JPEG we wrote ourselves; anything else still downloads).
    The caller has checked that the user may see what the document belongs to."""
    if document is None:
        raise NotFound(missing)
    where = storage()
    key = key_of(document.stored_name)
    shown = inline and document.content_type in INLINE_TYPES
    try:
        # Streamed through the application, never a link to the store: the permission check
        # above stays the only way in, and the store need not be reachable from outside.
        opened = where.open(key)
        body: Path | IO[bytes] = opened
        if isinstance(where, FolderStorage):
            opened.close()  # served by path: the server can use sendfile and ranges
            body = where.path(key)
    except FileNotFoundError:
        log.error("document %s has no file in %s", document.stored_name, where.url)
        raise NotFound(missing) from None
    response = send_file(
        body,
        mimetype=document.content_type,
        as_attachment=not shown,
        download_name=document.original_name,
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    if shown:
        response.headers["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'"
    return response


def _remove(written: list[tuple[Storage, str]]) -> None:
    for where, key in written:
        try:
            where.delete(key)
        except Exception:  # the sweep removes it later
            log.warning("could not remove %s from %s after a rollback", key, where.url)


# Files written during a transaction are kept when it commits, removed when it rolls back.
_new_files: AfterCommit[tuple[Storage, str]] = AfterCommit(
    "meetings_new_files", lambda _written: None, _remove
)
