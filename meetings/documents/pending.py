"""Files kept across a form that failed: a person who attached three documents and mistyped an
amount does not attach them again. Each checked upload is kept as a document of its own, and the
form carries a signed token naming it and the person who attached it; the token is good for a
day and for that person only. A kept document that nothing ends up pointing at is an ordinary
unreferenced document (its file is the sweep's when its row goes)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from meetings.auth.models import User
from meetings.documents.models import Document
from meetings.documents.services import new_document
from meetings.documents.storage import Upload
from meetings.extensions import db

_SALT = "meetings.pending-document"
MAX_AGE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Kept:
    token: str
    original_name: str


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def keep(actor: User, uploads: dict[str, Upload]) -> dict[str, Kept]:
    """Keep each checked upload as a document of ``actor``; a token per form field."""
    kept = {}
    for name, upload in uploads.items():
        document = new_document(actor, upload)
        token = _serializer().dumps({"d": document.id, "u": actor.id, "f": name})
        kept[name] = Kept(token, upload.original_name)
    return kept


def kept_document(actor: User, field: str, token: str | None) -> Document | None:
    """The document a token of ``actor`` names for ``field``; None when there is no token, or
    it is forged, stale, another person's or another field's."""
    if not token:
        return None
    try:
        data = _serializer().loads(token, max_age=MAX_AGE_SECONDS)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("u") != actor.id or data.get("f") != field:
        return None
    document = db.session.get(Document, data.get("d"))
    if document is None or document.uploaded_by_id != actor.id:
        return None
    return document
