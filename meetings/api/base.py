"""The JSON API's machinery: the OpenAPI document (spectree, from pydantic models), the token a
request carries (never a cookie), scopes, cursors, and ETags."""

from __future__ import annotations

import base64
import binascii
import copy
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from flask import Response, g, request
from flask_babel import gettext as _
from pydantic import BaseModel
from spectree import SecurityScheme, SecuritySchemeData, SpecTree
from spectree.models import SecureType

from meetings.api import tokens
from meetings.api.models import Scope
from meetings.api.problems import InvalidInput, Unauthenticated
from meetings.auth.models import User
from meetings.errors import PermissionDenied
from meetings.extensions import db

T = TypeVar("T")
# What an operation returns. (Not flask's ResponseReturnValue: spectree reads each operation's
# annotations at run time, and that alias names types flask.typing only imports for checkers.)
Answer = Response | dict[str, Any] | list[Any]
DEFAULT_LIMIT, LARGEST_LIMIT = 50, 200


def _refused_input(_request: Any, _response: Any, error: Any, _instance: Any, adapter: Any) -> None:
    """spectree's check of the parameters and body, said as problem details (each field's
    sentence beside its name)."""
    if error is None:
        return
    problems = []
    for item in adapter.validation_errors(error):
        where = ".".join(str(part) for part in item.get("loc", ()) if part not in ("body",))
        problems.append((where, str(item.get("msg", ""))))
    raise InvalidInput(problems)


spec = SpecTree(
    "flask",
    title="meetings API",
    version="1",
    description=(
        "The programme, lists of speakers, statements, participants, the fund and national "
        "reports of United Nations review conferences, and a delegation's registrations."
    ),
    mode="strict",
    path="api/v1/_spectree",  # its own pages are not served (they load scripts from a CDN)
    page_templates={},
    security_schemes=[
        SecurityScheme(
            name="token",
            data=SecuritySchemeData(
                type=SecureType.HTTP, scheme="bearer", description="A personal access token."
            ),
        )
    ],
    before=_refused_input,
    naming_strategy=lambda model: model.__name__,  # schemas by their own names
    nested_naming_strategy=lambda _parent, child: child,
)


NEEDS_TOKEN: set[str] = set()  # endpoints that answer 401 to a request without a token


def token_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark an operation as needing a token: without one it answers 401 before its input is
    even read."""
    NEEDS_TOKEN.add(f"api.{view.__name__}")
    return view


def authenticate_request() -> None:
    """The token in ``Authorization: Bearer …``, if any (cookies are never read by the API)."""
    g.api_token = None
    if not request.path.startswith("/api/"):
        return  # the account's token pages: a logged-in person, as everywhere else
    header = request.headers.get("Authorization", "")
    if not header:
        if request.endpoint in NEEDS_TOKEN:
            raise Unauthenticated(_("Send a personal access token: Authorization: Bearer <token>."))
        return
    kind, _space, secret = header.partition(" ")
    if kind.lower() != "bearer" or not secret.strip():
        raise Unauthenticated(_("Send the token as: Authorization: Bearer <token>."))
    token = tokens.authenticate(secret.strip())
    if token is None:
        db.session.rollback()
        raise Unauthenticated(_("This token is unknown, expired or revoked."))
    db.session.commit()  # its last use, noted
    g.api_token = token


def reader() -> User | None:
    """Who reads: the token's owner, or nobody (public data)."""
    token = g.get("api_token")
    return token.user if token is not None else None


def acting(*scopes: Scope) -> User:
    """The token's owner, if the token holds one of ``scopes``; the owner's own permissions
    are checked by the services, as for the pages."""
    token = g.get("api_token")
    if token is None:
        raise Unauthenticated(_("Send a personal access token: Authorization: Bearer <token>."))
    if not token.scope_set & set(scopes):
        raise PermissionDenied(
            _(
                "This token may not do this: it needs the scope %(scope)s.",
                scope=" or ".join(scope.value for scope in scopes),
            )
        )
    user: User = token.user
    return user


# --- cursors -------------------------------------------------------------------------------------


def encode_cursor(value: int) -> str:
    return base64.urlsafe_b64encode(f"v1:{value}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int | None:
    if not cursor:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        version, _colon, value = text.partition(":")
        if version != "v1" or not value.isdigit():
            raise ValueError(text)
        return int(value)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidInput([("cursor", _("This cursor was not given by this API."))]) from None


def window(
    items: Sequence[T], key: Callable[[T], int], cursor: str | None, limit: int
) -> tuple[list[T], str | None]:
    """One page of ``items`` (ordered by ``key``, ascending and unique) after ``cursor``."""
    after = decode_cursor(cursor)
    rest = [item for item in items if after is None or key(item) > after]
    page = list(rest[:limit])
    more = len(rest) > limit
    return page, encode_cursor(key(page[-1])) if more and page else None


def fetched(
    read: Callable[[int | None, int], list[T]],
    key: Callable[[T], int],
    cursor: str | None,
    limit: int,
) -> tuple[list[T], str | None]:
    """One page read by ``read(after, how_many)`` in the database (one more row than the page,
    to know whether another page follows) and the cursor of the next page."""
    rows = read(decode_cursor(cursor), limit + 1)
    page = rows[:limit]
    return page, encode_cursor(key(page[-1])) if len(rows) > limit and page else None


def page_body(items: Sequence[BaseModel], next_cursor: str | None) -> dict[str, Any]:
    return {"items": [item.model_dump(mode="json") for item in items], "next_cursor": next_cursor}


_DOCUMENT: dict[str, Any] = {}


def document(app: Any) -> dict[str, Any]:
    """The OpenAPI document, generated once: spectree's, with every problem answer said to be
    ``application/problem+json`` (what the API sends)."""
    if not _DOCUMENT:
        if getattr(spec, "app", None) is None:
            spec.app = app
        generated = copy.deepcopy(spec.spec)
        for item in generated.get("paths", {}).values():
            for operation in item.values():
                for answer in operation.get("responses", {}).values():
                    content = answer.get("content", {})
                    body = content.get("application/json")
                    if body and body.get("schema", {}).get("$ref", "").endswith("/Problem"):
                        content["application/problem+json"] = content.pop("application/json")
        _DOCUMENT.update(generated)
    return _DOCUMENT
