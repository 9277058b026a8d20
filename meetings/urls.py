"""Absolute URLs for e-mails, payment providers and anything read outside this request.

Every such link is built from the configured public address (MEETINGS_PUBLIC_URL), never from
the request's Host header: a forged Host must not put an attacker's address into a password-reset
e-mail. Production requires the setting; a development server without it follows the address it
is served at. (Links shown on a page, such as feed subscriptions, follow the address browsed.)
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app, has_request_context, request, url_for

DEVELOPMENT_ADDRESS = "http://127.0.0.1:5000"


def public_base() -> str:
    """The configured public address. Only where none is configured (development: production
    refuses to start without one) do links follow the address being served, so that a server
    started on another port still sends working links."""
    configured = current_app.config.get("PUBLIC_URL")
    if configured:
        return str(configured).rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    return DEVELOPMENT_ADDRESS


def external_url(endpoint: str, **values: Any) -> str:
    base = urlsplit(public_base())
    with current_app.test_request_context(
        base_url=f"{base.scheme}://{base.netloc}{base.path}",
    ):
        return url_for(endpoint, _external=True, **values)


def public_host() -> str:
    return urlsplit(public_base()).hostname or ""
