"""Security headers on every response: a walk of every GET route, as a visitor, a delegate and
an administrator (who may open every page)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from meetings.extensions import db
from tests.security import harness, world


def _directives(policy: str) -> dict[str, list[str]]:
    found = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            found[words[0]] = words[1:]
    return found


@pytest.mark.parametrize("who", ["anonymous", "delegate", "administrator"])
def test_every_page_carries_the_security_headers(
    app: Flask, connection: sa.Connection, built: world.World, who: str
) -> None:
    visitor = harness.Visitor(app, built.accounts[who])
    problems = []
    gets = [c for c in harness.cells(app, built.arguments, built.overrides) if c.method == "GET"]
    for cell in gets:
        savepoint = connection.begin_nested()
        try:
            response = visitor.request(cell)
            response.close()
        finally:
            savepoint.rollback()
            db.session.expire_all()
        headers = response.headers
        policy = _directives(headers.get("Content-Security-Policy", ""))
        # script-src and object-src fall back to default-src when absent
        scripts = policy.get("script-src", policy.get("default-src"))
        objects = policy.get("object-src", policy.get("default-src"))
        where = f"{cell.path} ({response.status_code})"
        if not scripts or "'unsafe-inline'" in scripts or "*" in scripts:
            problems.append(f"{where}: script-src {scripts}")
        if objects != ["'none'"]:
            problems.append(f"{where}: object-src {objects}")
        if policy.get("frame-ancestors") != ["'none'"]:
            problems.append(f"{where}: frame-ancestors {policy.get('frame-ancestors')}")
        if headers.get("X-Content-Type-Options") != "nosniff":
            problems.append(f"{where}: no nosniff")
        if headers.get("Referrer-Policy") not in ("same-origin", "no-referrer", "strict-origin"):
            problems.append(f"{where}: Referrer-Policy {headers.get('Referrer-Policy')}")
        private = who != "anonymous" and cell.endpoint != "static"
        if private and "no-store" not in headers.get("Cache-Control", ""):
            problems.append(f"{where}: cacheable ({headers.get('Cache-Control')})")
        if "Strict-Transport-Security" in headers:
            problems.append(f"{where}: HSTS outside production")
    assert len(gets) > 60
    assert not problems, "\n".join(problems)
