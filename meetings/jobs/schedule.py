"""When the periodic work runs: the one place Celery beat reads (run exactly one beat per
deployment; a second would only repeat work that is idempotent anyway). Times are UTC."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from celery.schedules import crontab

from meetings.jobs import tasks

if TYPE_CHECKING:
    from flask import Flask


def beat_schedule(app: Flask) -> dict[str, dict[str, Any]]:
    schedule: dict[str, dict[str, Any]] = {
        # Mail whose task was lost (broker down at commit, worker killed) and retries now due.
        "deliver the outbox": {"task": tasks.DELIVER_OUTBOX, "schedule": timedelta(minutes=1)},
        # Offers whose reply-by time has passed: expired, their money released.
        "expire unanswered offers": {
            "task": tasks.EXPIRE_OFFERS,
            "schedule": timedelta(minutes=10),
        },
        # Stripe events we missed, stale card payments, fees; then the comparison of sums.
        "reconcile with Stripe": {"task": tasks.RECONCILE_STRIPE, "schedule": timedelta(hours=1)},
        # National reports due (on the days each cycle set) and contacts to confirm.
        "remind of national reports": {
            "task": tasks.REMIND_REPORTS,
            "schedule": crontab(minute=0, hour=7),
        },
        # Files no document names (a process died mid-upload), older than an hour.
        "sweep orphan documents": {
            "task": tasks.SWEEP_DOCUMENTS,
            "schedule": crontab(minute=30, hour=3),
        },
    }
    if app.config.get("BACKUP_FOLDER"):
        schedule["nightly backup"] = {"task": tasks.BACKUP, "schedule": crontab(minute=0, hour=2)}
    return schedule
