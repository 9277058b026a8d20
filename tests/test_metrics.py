"""/metrics: Prometheus's figures, for the addresses the operator allows and nobody else."""

from __future__ import annotations

import pytest
from flask import Flask

from meetings import mail
from meetings.extensions import db


def test_metrics_answer_only_the_allowed_addresses(app: Flask, client) -> None:
    assert client.get("/metrics").status_code == 200  # the test client comes from 127.0.0.1
    outside = client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert outside.status_code == 404


def test_an_allowed_network_is_let_in(app: Flask, client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "METRICS_ALLOW", ["10.20.0.0/16"])
    inside = client.get("/metrics", environ_base={"REMOTE_ADDR": "10.20.3.4"})
    assert inside.status_code == 200
    assert client.get("/metrics").status_code == 404  # loopback no longer listed


def test_metrics_count_requests_and_read_the_outbox(app: Flask, client) -> None:
    client.get("/healthz")
    mail.queue(db.session, mail.Message(to="waiting@example.org", subject="s", body="b"))
    db.session.commit()
    text = client.get("/metrics").get_data(as_text=True)
    assert 'meetings_requests_total{endpoint="home.healthz",method="GET",status="200"}' in text
    assert 'meetings_request_seconds_bucket{endpoint="home.healthz"' in text
    waiting = next(
        line
        for line in text.splitlines()
        if line.startswith('meetings_outbox_messages{status="pending"}')
    )
    assert float(waiting.split()[-1]) >= 1
    assert 'meetings_awaiting_second_approval{kind="offer"} 0.0' in text
