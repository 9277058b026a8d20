"""Absolute URLs for e-mails, payment providers and anything read outside this request.

Every such link is built from the configured public address (MEETINGS_PUBLIC_URL), never from
the request's Host header: a forged Host must not put an attacker's address into a password-reset
e-mail. (Links shown on a page, such as feed subscriptions, follow the address being browsed.)
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app, url_for


def public_base() -> str:
    return str(current_app.config["PUBLIC_URL"]).rstrip("/")


def external_url(endpoint: str, **values: Any) -> str:
    base = urlsplit(public_base())
    with current_app.test_request_context(
        base_url=f"{base.scheme}://{base.netloc}{base.path}",
    ):
        return url_for(endpoint, _external=True, **values)


def public_host() -> str:
    return urlsplit(public_base()).hostname or ""
