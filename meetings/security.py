"""The Content-Security-Policy and the other security headers of every response."""

from __future__ import annotations

from collections.abc import Iterable


def content_security_policy(*, form_action: Iterable[str] = ()) -> str:
    """No inline script, no framing, forms posted to this site only (and to ``form_action``:
    a form whose answer redirects elsewhere, such as Stripe's checkout page, needs it)."""
    targets = " ".join(["'self'", *form_action])
    return (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        f"object-src 'none'; base-uri 'self'; form-action {targets}; frame-ancestors 'none'"
    )
