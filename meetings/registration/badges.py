"""Grounds passes: the photo, the pass with a QR code holding a signed check-in token (printed by
the secretariat; a participant sees a preview), and the check-in itself."""

from __future__ import annotations

import hashlib
import hmac
import io
from dataclasses import dataclass
from datetime import datetime

import qrcode
import qrcode.image.svg
import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import joinedload

from meetings import clock
from meetings.audit.services import record
from meetings.auth.models import User
from meetings.auth.permissions import Permission, has_permission, require
from meetings.documents.services import Upload, new_photo
from meetings.errors import DomainError, PermissionDenied
from meetings.extensions import db
from meetings.labels import label
from meetings.registration import access
from meetings.registration.models import Registration, RegistrationStatus

_SALT = "meetings.check-in"


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def check_in_token(registration: Registration) -> str:
    """What the pass's QR code holds: the registration and meeting, signed."""
    return _signer().dumps({"r": registration.id, "m": registration.meeting_id})


# Crockford's base 32: no I, L, O or U, so nothing read aloud or typed is ambiguous.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def badge_code_for(registration: Registration, attempt: int = 0) -> str:
    """Eight characters (40 bits) of an HMAC of the registration under the secret key: signed,
    so that nobody without the key can make a valid one. ``attempt`` moves past the rare code
    another pass of the same meeting holds (migration 7b2d4e6f8a10 derives it the same way)."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    message = f"badge:{registration.id}:{registration.meeting_id}:{attempt}".encode()
    number = int.from_bytes(hmac.new(key, message, hashlib.sha256).digest()[:5], "big")
    return "".join(CODE_ALPHABET[(number >> (5 * (7 - i))) & 31] for i in range(8))


def give_badge_code(registration: Registration) -> str:
    """The pass's code, given once (at accreditation), unique within the meeting."""
    if registration.badge_code:
        return registration.badge_code
    db.session.flush()
    for attempt in range(8):
        code = badge_code_for(registration, attempt)
        taken = db.session.scalar(
            sa.select(Registration.id).where(
                Registration.meeting_id == registration.meeting_id,
                Registration.badge_code == code,
            )
        )
        if taken is None:
            registration.badge_code = code
            return code
    raise RuntimeError("no free badge code")  # 8 collisions in 2**40: never in practice


def normalise_code(typed: str) -> str:
    """What a person typed, as a code: case, spaces and hyphens ignored; O read as zero, I and L
    as one."""
    return "".join(typed.split()).replace("-", "").upper().translate(_READ_AS)


def display_code(code: str) -> str:
    """Printed and read out in two groups of four: ``K7QM-2XRD``."""
    return f"{code[:4]}-{code[4:]}"


def qr_svg(text: str) -> str:
    """An SVG QR code (no raster image library needed); inlined in the badge page."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode("utf-8")
    return svg[svg.index("<svg") :]  # without the XML declaration, for inlining


# --- the photo and the pass --------------------------------------------------------------------


def may_print(actor: User | None) -> bool:
    """Grounds passes are printed by the secretariat, at accreditation: a participant sees a
    preview, marked as not valid, without the check-in code."""
    return has_permission(actor, Permission.MANAGE_REGISTRATIONS)


def can_change_photo(actor: User | None, registration: Registration) -> bool:
    """The secretariat at any time; the participant and their focal point until the pass is
    issued (accreditation)."""
    if actor is None:
        return False
    if may_print(actor):
        return True
    if registration.status is RegistrationStatus.ACCREDITED:
        return False
    return registration.user_id == actor.id or access.is_focal_point_of(
        actor, registration.delegation
    )


def set_photo(actor: User, registration: Registration, upload: Upload) -> None:
    if not can_change_photo(actor, registration):
        raise PermissionDenied(_("The photo can no longer be changed here: ask the secretariat."))
    before = registration.photo_id
    registration.photo = new_photo(actor, upload, field="photo")
    db.session.flush()
    record(
        actor,
        "registration.photo_changed",
        registration,
        before={"photo": before},
        after={"photo": registration.photo_id},
    )


def require_check_in(actor: User) -> None:
    require(actor, Permission.MANAGE_REGISTRATIONS)


@dataclass(frozen=True)
class CheckIn:
    registration: Registration
    first_time: bool
    at: datetime


def check_in(actor: User, token: str, meeting_id: int | None = None) -> CheckIn:
    """Record attendance once; a second scan reports the first one. ``token`` is what the QR
    code holds, or the pass's short code typed at the desk of ``meeting_id``."""
    require(actor, Permission.MANAGE_REGISTRATIONS)
    invalid = DomainError(_("This is not a valid badge code."), field="token")
    query = sa.select(Registration).options(
        joinedload(Registration.delegation), joinedload(Registration.meeting)
    )
    code = normalise_code(token)
    if len(code) == 8 and set(code) <= set(CODE_ALPHABET):
        if meeting_id is None:
            raise invalid
        registration = db.session.scalar(
            query.where(
                Registration.meeting_id == meeting_id, Registration.badge_code == code
            ).with_for_update(of=Registration)
        )
        # The code is signed: one written into the database by hand is not taken.
        if registration is None or code not in {
            badge_code_for(registration, attempt) for attempt in range(8)
        }:
            raise invalid
        return record_check_in(actor, registration)
    try:
        data = _signer().loads(token.strip())
    except BadSignature as error:
        raise invalid from error
    registration = db.session.scalar(
        query.where(Registration.id == int(data.get("r", 0))).with_for_update(of=Registration)
    )
    if registration is None or registration.meeting_id != data.get("m"):
        raise invalid
    return record_check_in(actor, registration)


def record_check_in(actor: User, registration: Registration) -> CheckIn:
    """Record that ``registration`` came (once; a second time reports the first)."""
    require(actor, Permission.MANAGE_REGISTRATIONS)
    if registration.status is not RegistrationStatus.ACCREDITED:
        raise DomainError(
            _(
                "%(name)s is not accredited (the registration is %(status)s).",
                name=registration.full_name,
                status=label(registration.status),
            ),
            field="token",
        )
    if registration.checked_in_at is not None:
        return CheckIn(registration, False, registration.checked_in_at)
    registration.checked_in_at = clock.now()
    registration.checked_in_by_id = actor.id
    db.session.flush()
    record(actor, "registration.checked_in", registration)
    return CheckIn(registration, True, registration.checked_in_at)
