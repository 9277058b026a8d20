"""The CSRF walk: every POST route refuses a request without a token, and one carrying another
session's token, and changes nothing. The Stripe webhook is the one exception (Stripe signs it)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from meetings.extensions import db
from tests.security import harness, world

# Stripe signs its webhooks; the JSON API reads no cookie (a request without a token is 401).
EXEMPT = {"fund.stripe_webhook", "api.register", "api.approve"}


@pytest.mark.parametrize("token", ["none", "another session's"])
@pytest.mark.parametrize("who", ["administrator", "anonymous"])
def test_every_post_refuses_a_missing_or_foreign_token(
    app: Flask, connection: sa.Connection, built: world.World, token: str, who: str
) -> None:
    visitor = harness.Visitor(app, built.accounts[who])
    stranger = harness.Visitor(app, built.accounts["delegate"])
    assert stranger.token != visitor.token
    accepted = []
    posts = [c for c in harness.cells(app, built.arguments, built.overrides) if c.method != "GET"]
    assert len(posts) > 60
    for cell in posts:
        if cell.endpoint in EXEMPT:
            continue
        body = {**built.body, "csrf_token": "" if token == "none" else stranger.token}
        savepoint = connection.begin_nested()
        try:
            before = harness.snapshot(connection)
            response = visitor.request(cell, body)
            page = response.get_data(as_text=True)
            if response.status_code != 400 or "The form had expired" not in page:
                accepted.append(f"{cell.method} {cell.path}: {response.status_code}")
            if harness.snapshot(connection) != before:
                accepted.append(f"{cell.method} {cell.path}: data changed")
        finally:
            savepoint.rollback()
            db.session.expire_all()
    assert not accepted, "\n".join(accepted)


def test_the_stripe_webhook_needs_no_token_but_a_signature(client) -> None:
    response = client.post("/fund/stripe/webhook", data=b"{}", content_type="application/json")
    assert response.status_code == 400
    assert "The form had expired" not in response.get_data(as_text=True)
