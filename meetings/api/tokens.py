"""Personal access tokens: a person creates one for its own account (a name, scopes, a lifetime),
sees it once, lists and revokes its tokens. A request carrying a token acts as its owner, as the
owner stands now: a token never gains what its owner lacks, and loses it when the owner does."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from meetings import clock
from meetings.api.models import ApiToken, Scope
from meetings.audit.services import record
from meetings.auth.models import User
from meetings.errors import DomainError, NotFound
from meetings.extensions import db

PREFIX = "mtg_"
LIFETIMES = (30, 90, 365)  # days a token may be made for
TOKENS_PER_PERSON = 20
LAST_USE_STEP = timedelta(minutes=1)  # how often a token's last use is written


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(
    actor: User, name: str, scopes: Iterable[str], lifetime_days: int | None
) -> tuple[ApiToken, str]:
    """A new token for ``actor``'s own account; returns the row and the token (shown once)."""
    name = name.strip()
    if not name:
        raise DomainError(_("Name the token after what will use it."), field="name")
    chosen = set(scopes)
    known = {scope.value for scope in Scope}
    if not chosen or not chosen <= known:
        raise DomainError(_("Choose what the token may be used for."), field="scopes")
    if lifetime_days not in LIFETIMES:
        raise DomainError(_("Choose how long the token lasts."), field="lifetime")
    active = db.session.scalar(
        sa.select(sa.func.count(ApiToken.id)).where(
            ApiToken.user_id == actor.id,
            ApiToken.revoked_at.is_(None),
            ApiToken.expires_at > clock.now(),
        )
    )
    if (active or 0) >= TOKENS_PER_PERSON:
        raise DomainError(_("You have 20 tokens already: revoke one you no longer use."))
    secret = PREFIX + secrets.token_urlsafe(32)
    now = clock.now()
    token = ApiToken(
        user_id=actor.id,
        name=name[:100],
        token_hash=digest(secret),
        prefix=secret[: len(PREFIX) + 4],
        scopes=" ".join(sorted(chosen)),
        created_at=now,
        expires_at=now + timedelta(days=lifetime_days),
    )
    db.session.add(token)
    db.session.flush()
    record(
        actor,
        "api_token.created",
        token,
        after={"name": token.name, "scopes": token.scopes, "expires_at": token.expires_at},
    )
    return token, secret


def revoke(actor: User, token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != actor.id:
        raise NotFound(_("There is no such token."))
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        db.session.flush()
        record(actor, "api_token.revoked", token, after={"name": token.name})
    return token


def tokens_of(actor: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            sa.select(ApiToken)
            .where(ApiToken.user_id == actor.id)
            .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc())
        )
    )


def is_usable(token: ApiToken, now: datetime) -> bool:
    return token.revoked_at is None and token.expires_at > now and token.user.active


def authenticate(secret: str) -> ApiToken | None:
    """The token ``secret`` names, if it is usable now; its last use is noted (at most once a
    minute, so that a busy integration does not write on every request)."""
    if not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == digest(secret)))
    now = clock.now()
    if token is None or not is_usable(token, now):
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USE_STEP:
        token.last_used_at = now
        db.session.flush()
    return token
