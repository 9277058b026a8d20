"""Prometheus metrics at ``/metrics``, for the people on call.

Counted as things happen (in every process; under gunicorn in prometheus-client's multiprocess
mode when ``PROMETHEUS_MULTIPROC_DIR`` is set, as ``config/gunicorn.conf.py`` does): requests by
endpoint, method and status, their latency, Stripe webhooks that failed, tasks the broker did not
take. Read from the database and the broker when scraped: the outbox backlog and failed mail,
offers and increases awaiting a second approval, the Celery queue's length.

Not public: only addresses in ``MEETINGS_METRICS_ALLOW`` (by default loopback) get an answer;
anyone else gets 404, as if there were nothing there.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from flask import Response, abort, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

if TYPE_CHECKING:
    from flask import Flask

log = logging.getLogger(__name__)

REQUESTS = Counter("meetings_requests_total", "Requests answered", ["endpoint", "method", "status"])
LATENCY = Histogram(
    "meetings_request_seconds",
    "Time to answer a request",
    ["endpoint"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
WEBHOOK_FAILURES = Counter(
    "meetings_webhook_failures_total", "Payment webhooks refused or not processed", ["reason"]
)
TASKS_NOT_QUEUED = Counter(
    "meetings_tasks_not_queued_total",
    "Tasks the broker did not take (the sweep does them)",
    ["task"],
)


class StateCollector(Collector):
    """Figures read when scraped: what waits, in the database and in the broker."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def collect(self) -> Iterator[Metric]:
        with self.app.app_context():
            yield from self._database()
            queued = _queue_length(self.app)
        if queued is not None:
            yield GaugeMetricFamily(
                "meetings_celery_queue_length", "Tasks waiting in the broker", value=queued
            )

    def _database(self) -> Iterator[Metric]:
        import sqlalchemy as sa

        from meetings.extensions import db
        from meetings.mail import OutboxMessage, OutboxStatus
        from meetings.sponsorship.offers import count_awaiting_approval

        try:
            rows = db.session.execute(
                sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status)
            ).all()
            counts = {status: int(n) for status, n in rows}
            offers, increases = count_awaiting_approval()
        except sa.exc.DBAPIError:
            log.warning("metrics: the database does not answer")
            return
        finally:
            db.session.remove()
        outbox = GaugeMetricFamily("meetings_outbox_messages", "Outbox messages", labels=["status"])
        for status in OutboxStatus:
            outbox.add_metric([status.value], counts.get(status, 0))
        yield outbox
        approvals = GaugeMetricFamily(
            "meetings_awaiting_second_approval",
            "Awards waiting for a second administrator",
            labels=["kind"],
        )
        approvals.add_metric(["offer"], offers)
        approvals.add_metric(["increase"], increases)
        yield approvals


def _queue_length(app: Flask) -> int | None:
    """Tasks waiting in a Redis broker (the list named after the queue); None for another one."""
    from meetings.jobs import broker_url

    url = broker_url(app)
    if not url.startswith(("redis://", "rediss://")):
        return None
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        return int(client.llen(f"{app.config['REDIS_PREFIX']}:{app.config['CELERY_QUEUE']}"))
    except redis.RedisError:
        return None


def _allowed(address: str | None, allowed: list[str]) -> bool:
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(network, strict=False) for network in allowed)


def _registry(app: Flask) -> CollectorRegistry:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        for collector in (REQUESTS, LATENCY, WEBHOOK_FAILURES, TASKS_NOT_QUEUED):
            registry.register(collector)
    registry.register(StateCollector(app))
    return registry


def init_app(app: Flask) -> None:
    @app.before_request
    def start_clock() -> None:
        g.metrics_started = time.perf_counter()

    # Each labelled series looked up once per process, not on every request.
    counters: dict[tuple[str, str, int], Any] = {}
    timers: dict[str, Any] = {}

    @app.after_request
    def count(response: Response) -> Response:
        started = g.pop("metrics_started", None)
        endpoint = request.endpoint or "unmatched"
        key = (endpoint, request.method, response.status_code)
        counter = counters.get(key)
        if counter is None:
            counter = counters[key] = REQUESTS.labels(endpoint, key[1], str(key[2]))
        counter.inc()
        if started is not None:
            timer = timers.get(endpoint)
            if timer is None:
                timer = timers[endpoint] = LATENCY.labels(endpoint)
            timer.observe(time.perf_counter() - started)
        return response


def exposition() -> Response:
    """The text Prometheus scrapes (``/metrics``, in meetings.home.views); 404 for an address
    MEETINGS_METRICS_ALLOW does not list."""
    if not _allowed(request.remote_addr, list(current_app.config["METRICS_ALLOW"])):
        abort(404)
    body = generate_latest(_registry(current_app._get_current_object()))  # type: ignore[attr-defined]
    return Response(body, content_type=CONTENT_TYPE_LATEST)
