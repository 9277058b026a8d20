"""Argon2id password hashing and the rules a new password must meet."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _

from meetings.errors import DomainError

MAX_PASSWORD_LENGTH = 1024


def _hasher() -> PasswordHasher:
    hasher = current_app.extensions.get("meetings_argon2")
    if hasher is None:
        config = current_app.config
        hasher = PasswordHasher(
            time_cost=int(config.get("ARGON2_TIME_COST", 3)),
            memory_cost=int(config.get("ARGON2_MEMORY_COST", 65536)),
            parallelism=int(config.get("ARGON2_PARALLELISM", 4)),
        )
        current_app.extensions["meetings_argon2"] = hasher
    return hasher


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


_DUMMY: dict[str, str] = {}


def spend_verification_time(password: str) -> None:
    """Verify against a throw-away hash so that an unknown e-mail takes as long as a known one."""
    if "hash" not in _DUMMY:
        _DUMMY["hash"] = hash_password("not-a-real-password-at-all")
    verify_password(_DUMMY["hash"], password)


def check_new_password(password: str, *, email: str, field: str = "password") -> None:
    minimum = int(current_app.config["PASSWORD_MIN_LENGTH"])
    if len(password) < minimum:
        raise DomainError(_("Use at least %(count)d characters.", count=minimum), field=field)
    if len(password) > MAX_PASSWORD_LENGTH:
        raise DomainError(
            _("Use at most %(count)d characters.", count=MAX_PASSWORD_LENGTH), field=field
        )
    if password.strip().lower() == email.strip().lower():
        raise DomainError(_("Your password must not be your e-mail address."), field=field)
