"""Background and scheduled work on Celery.

One Celery application per Flask application, configured from it (``MEETINGS_CELERY_BROKER_URL``,
by default the Redis URL; with neither, as under ``make run``, kombu's file-system transport in
``instance/celery-broker/``, so that development needs no service: the worker and beat run
beside the server as ordinary processes). Every task
runs inside the Flask application's context, removes its database session afterwards, and is
idempotent: the database row (an outbox message's status, an offer's state, a Stripe event
already applied) decides whether there is anything left to do, never the queue.

Delivery is acknowledged late (after the task ran) and a worker lost mid-task puts the message
back: a task may run twice, never zero times, and running twice does nothing more. The tasks are
:mod:`meetings.jobs.tasks`; when each periodic one runs is :mod:`meetings.jobs.schedule`.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from celery import Celery, Task
from flask import current_app, has_app_context

if TYPE_CHECKING:
    from flask import Flask

log = logging.getLogger(__name__)


def broker_url(app: Flask) -> str:
    """The configured broker; else Redis; else the embedded SQLite broker of development."""
    configured = app.config.get("CELERY_BROKER_URL") or app.config.get("REDIS_URL")
    if configured:
        return str(configured)
    return "filesystem://localhost/"


def init_app(app: Flask) -> None:
    from meetings.jobs import schedule, tasks

    class AppTask(Task):
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            from meetings.extensions import db

            with app.app_context():
                try:
                    return self.run(*args, **kwargs)
                finally:
                    db.session.remove()

    url = broker_url(app)
    options: dict[str, Any] = {}
    if url.startswith(("redis://", "rediss://")):
        visibility = int(app.config["CELERY_VISIBILITY_TIMEOUT"])
        options = {
            "visibility_timeout": visibility,
            # Look for tasks a lost worker held about as often as they become due again
            # (kombu's default looks every 100 s, made for an hour's timeout).
            "unacked_restore_interval": max(1, min(10, visibility // 3)),
            "unacked_restore_throttle": 1 if visibility < 600 else 10,
            "socket_connect_timeout": 2,
            "socket_timeout": 5,
            # Every key the broker writes (the queue, the unacknowledged tasks) under the
            # site's Redis prefix, beside the cache's and the rate limits'.
            "global_keyprefix": f"{app.config['REDIS_PREFIX']}:",
        }
    elif url.startswith("filesystem://"):
        folder = Path(app.instance_path) / "celery-broker"
        for part in ("queue", "processed", "control"):
            (folder / part).mkdir(parents=True, exist_ok=True)
        options = {
            "data_folder_in": str(folder / "queue"),
            "data_folder_out": str(folder / "queue"),
            "processed_folder": str(folder / "processed"),
            "control_folder": str(folder / "control"),
            "store_processed": False,
        }
    celery = Celery(app.import_name, task_cls=AppTask, set_as_current=False)
    celery.conf.update(
        broker_url=url,
        broker_connection_retry_on_startup=True,
        broker_transport_options=options,
        task_default_queue=app.config["CELERY_QUEUE"],
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_ignore_result=True,
        worker_prefetch_multiplier=1,
        worker_hijack_root_logger=False,
        # A task held when the broker connection drops is given back (it is idempotent).
        worker_cancel_long_running_tasks_on_connection_loss=True,
        timezone="UTC",
        enable_utc=True,
        beat_schedule=schedule.beat_schedule(app),
        beat_schedule_filename=str(Path(app.instance_path) / "celerybeat-schedule"),
    )
    tasks.register(celery)
    app.extensions["celery"] = celery


def enqueue(name: str, *args: Any) -> bool:
    """Hand the task ``name`` to the workers; False (logged, counted) when the broker does not
    take it. Callers never depend on it: a periodic sweep does whatever a lost task left."""
    if not has_app_context() or "celery" not in current_app.extensions:
        return False
    celery: Celery = current_app.extensions["celery"]
    try:
        celery.send_task(name, args=list(args), retry=False)
    except Exception as error:  # the broker is down: the sweep will do it
        log.warning("task %s not queued (%s); the periodic sweep will do it", name, error)
        from meetings import metrics

        metrics.TASKS_NOT_QUEUED.labels(task=name).inc()
        return False
    return True
