"""The background and periodic work. Each function here is what a task runs and what the
matching command runs for operators who prefer cron; each commits its own work and is safe to run
twice, or on two workers at once (the rows are leased or locked, and their state says what is
left to do)."""

from __future__ import annotations

import logging
import shutil
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import current_app
from sqlalchemy.exc import DBAPIError

from meetings import clock
from meetings.extensions import db

if TYPE_CHECKING:
    from celery import Celery

log = logging.getLogger(__name__)

SEND_MAIL = "meetings.mail.send"
DELIVER_OUTBOX = "meetings.mail.deliver"
EXPIRE_OFFERS = "meetings.sponsorship.expire"
RECONCILE_STRIPE = "meetings.fund.reconcile"
SWEEP_DOCUMENTS = "meetings.documents.sweep"
BACKUP = "meetings.backup"
REMIND_REPORTS = "meetings.reporting.remind"


def send_message(message_id: int) -> int:
    """Send one outbox message, if it is still waiting and no other worker holds it; how many
    were sent (0 or 1)."""
    from meetings.mail import deliver_due

    return deliver_due(db.session, db.session.commit, only=[message_id]).sent


def deliver_outbox(*, batches: int = 20) -> int:
    """Send what is due (the sweep behind the per-message tasks: a message whose task was lost,
    a retry whose time has come); how many were sent."""
    from meetings.mail import deliver_due

    sent = 0
    for _ in range(batches):
        result = deliver_due(db.session, db.session.commit)
        sent += result.sent
        if not (result.sent or result.retried or result.failed):
            break
    return sent


def expire_offers() -> int:
    """Expire the sponsorship offers not answered in time; how many."""
    from meetings.sponsorship import offers

    expired = offers.expire_overdue()
    db.session.commit()
    return len(expired)


def reconcile_stripe(*, days: int = 3) -> bool | None:
    """Apply missed Stripe events, settle stale payments, then compare with Stripe's balance for
    the last ``days``; whether the figures agree (None when no Stripe account is configured).
    A difference is logged as an error, for the people on call."""
    from meetings.fund import payments
    from meetings.fund.models import PaymentMethod
    from meetings.fund.stripe import reconcile

    provider = payments.provider(PaymentMethod.STRIPE)
    if not provider.configured():
        return None
    provider.reconcile(db.session.commit, days=days)
    today = clock.now().date()
    comparison = reconcile.compare(today - timedelta(days=days), today)
    db.session.rollback()
    if not comparison.agrees:
        log.error("the fund and Stripe differ:\n%s", "\n".join(reconcile.describe(comparison)))
    return comparison.agrees


def sweep_documents() -> int:
    """Remove orphan files older than the grace period; how many."""
    from meetings.documents import maintenance

    swept = maintenance.sweep()
    db.session.rollback()
    return len(swept.removed)


def remind_reports() -> tuple[int, int]:
    """Reminders of national reports due and of points of contact to confirm (each sent once)."""
    from meetings.reporting import reminders

    sent = reminders.run()
    db.session.commit()
    return sent


def nightly_backup() -> Path | None:
    """A backup into MEETINGS_BACKUP_FOLDER/<UTC time>, keeping the newest
    MEETINGS_BACKUP_KEEP; None when no folder is configured."""
    from meetings.backup import backup

    folder = current_app.config.get("BACKUP_FOLDER")
    if not folder:
        return None
    root = Path(folder)
    target = root / clock.now().strftime("%Y%m%dT%H%M%SZ")
    result = backup(target)
    db.session.rollback()
    kept = sorted(p for p in root.iterdir() if p.is_dir() and (p / "manifest.json").exists())
    for old in kept[: -int(current_app.config["BACKUP_KEEP"])]:
        shutil.rmtree(old)
    log.info("backup of %s and %d file(s) in %s", result.database, result.files, target)
    return target


def register(celery: Celery) -> None:
    """The tasks, retried with backoff (up to about ten minutes apart) while the database does
    not answer."""
    retried: dict[str, Any] = {
        "shared": False,  # each application's Celery has its own tasks, run in its context
        "autoretry_for": (DBAPIError,),
        "retry_backoff": 5,
        "retry_backoff_max": 600,
        "retry_jitter": True,
        "max_retries": 12,
    }

    @celery.task(name=SEND_MAIL, **retried)
    def send_mail(message_id: int) -> int:
        return send_message(message_id)

    @celery.task(name=DELIVER_OUTBOX, **retried)
    def deliver() -> int:
        return deliver_outbox()

    @celery.task(name=EXPIRE_OFFERS, **retried)
    def expire() -> int:
        return expire_offers()

    @celery.task(name=RECONCILE_STRIPE, **retried)
    def reconcile() -> bool | None:
        return reconcile_stripe()

    @celery.task(name=SWEEP_DOCUMENTS, **retried)
    def sweep() -> int:
        return sweep_documents()

    @celery.task(name=REMIND_REPORTS, **retried)
    def remind() -> tuple[int, int]:
        return remind_reports()

    @celery.task(name=BACKUP, shared=False)
    def backup() -> str | None:
        target = nightly_backup()
        return str(target) if target else None
