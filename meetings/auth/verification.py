"""Proving an e-mail address: a signed link sent at sign-up. Until the address is verified,
nothing is linked to the account by its address (a registration made by a focal point, a donor),
and the account receives only the verification message. Signing up with an address that has an
account says the same as a new sign-up, and tells the owner instead."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from meetings import clock, mail
from meetings.auth.models import User
from meetings.auth.services import (
    mark_verified,
    normalise_email,
    register_user,
    user_by_email,
)
from meetings.errors import DomainError
from meetings.extensions import db
from meetings.urls import external_url

_SALT = "meetings.verify-email"
MAX_AGE_DAYS = 7


class InvalidVerificationLink(DomainError):
    status_code = 400


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def make_token(user: User) -> str:
    return _signer().dumps({"u": user.id, "e": user.email})


def send_link(user: User, next_url: str | None = None) -> None:
    link = external_url("auth.verify_email", token=make_token(user), next=next_url or None)
    mail.send(
        user.email,
        lambda: _("Confirm your e-mail address"),
        "mail/verify_email.txt",
        user=user,
        link=link,
        days=MAX_AGE_DAYS,
    )


def sign_up(
    *,
    email: str,
    password: str,
    full_name: str,
    locale: str | None = None,
    next_url: str | None = None,
) -> User | None:
    """A new account, unverified, with the link on its way; None (and a word to the owner)
    when the address has an account already — the page says the same either way."""
    existing = user_by_email(email)
    if existing is not None:
        # The password rules still apply, so that the answer does not differ.
        from meetings.auth.passwords import check_new_password

        check_new_password(password, email=normalise_email(email))
        mail.send(
            existing.email,
            lambda: _("Someone tried to create an account with your address"),
            "mail/account_exists.txt",
            user=existing,
            login=external_url("auth.login"),
            reset=external_url("auth.forgot_password"),
        )
        return None
    user = register_user(email=email, password=password, full_name=full_name, locale=locale)
    send_link(user, next_url)
    return user


def resend(user: User) -> None:
    if user.is_verified:
        raise DomainError(_("Your address is confirmed already."))
    send_link(user)


def verify(token: str) -> User:
    """The account a verification link stands for, now verified."""
    try:
        data = _signer().loads(token, max_age=MAX_AGE_DAYS * 86400)
    except SignatureExpired as error:
        raise InvalidVerificationLink(
            _("This link has expired. Log in and ask for a new one.")
        ) from error
    except BadSignature as error:
        raise InvalidVerificationLink(_("This link is not valid.")) from error
    user = db.session.get(User, int(data.get("u", 0))) if isinstance(data, dict) else None
    if user is None or not user.active or user.email != data.get("e"):
        raise InvalidVerificationLink(_("This link is no longer valid."))
    mark_verified(user)
    user.last_login_at = clock.now()
    return user


def on_verified(app: Flask, hook: Callable[[User], None]) -> None:
    """A feature asks to hear of each newly verified address (registration links by it)."""
    app.extensions.setdefault("meetings_on_email_verified", []).append(hook)


def require_verified(user: User) -> None:
    if not user.is_verified:
        raise DomainError(
            _(
                "Confirm your e-mail address first: open the link we sent to %(email)s (or ask "
                "for a new one on your dashboard).",
                email=user.email,
            )
        )
