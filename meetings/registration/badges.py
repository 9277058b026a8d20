"""Grounds passes: the photo, the pass with a QR code holding a signed check-in token (printed by
the secretariat; a participant sees a preview), and the check-in itself."""

from __future__ import annotations

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
    return _signer().dumps({"r": registration.id, "m": registration.meeting_id})


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


def check_in(actor: User, token: str) -> CheckIn:
    """Record attendance once; a second scan reports the first one."""
    require(actor, Permission.MANAGE_REGISTRATIONS)
    try:
        data = _signer().loads(token.strip())
    except BadSignature as error:
        raise DomainError(_("This is not a valid badge code."), field="token") from error
    registration = db.session.scalar(
        sa.select(Registration)
        .options(joinedload(Registration.delegation), joinedload(Registration.meeting))
        .where(Registration.id == int(data.get("r", 0)))
        .with_for_update(of=Registration)
    )
    if registration is None or registration.meeting_id != data.get("m"):
        raise DomainError(_("This is not a valid badge code."), field="token")
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
