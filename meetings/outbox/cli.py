"""``flask mail``: the worker that sends the outbox, and a look at what waits or failed."""

from __future__ import annotations

import time
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from meetings.extensions import db
from meetings.mail import OutboxMessage, OutboxStatus, deliver_due

cli = AppGroup("mail", help="The outbox of e-mail.")


@cli.command("worker")
@click.option("--once", is_flag=True, help="Send what is due now, then stop.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between two looks.")
def worker_command(once: bool, interval: float) -> None:
    """Send the outbox, retrying with backoff. Safe to run twice: rows are leased. (Celery's
    worker does the same; this is for operators who run no Celery.) A database that does not
    answer, at start or later, is waited for with backoff rather than ending the worker."""
    pause = interval
    while True:
        try:
            result = deliver_due(db.session, db.session.commit)
        except sa.exc.DBAPIError as error:
            if once:
                raise
            pause = min(pause * 2, 300.0)
            click.echo(
                f"the database does not answer ({type(error).__name__}); again in {pause:.0f} s"
            )
            time.sleep(pause)
            continue
        finally:
            db.session.remove()
        pause = interval
        if result.sent or result.retried or result.failed:
            where = ""
            if current_app.config["MAIL_BACKEND"] == "file":
                where = f" (written to {Path(current_app.instance_path) / 'mail'})"
            click.echo(
                f"sent {result.sent}{where}, to retry {result.retried}, failed {result.failed}"
            )
        if once:
            return
        time.sleep(interval)


@cli.command("status")
def status_command() -> None:
    """How many messages wait, were sent, or failed."""
    rows = db.session.execute(
        sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status)
    ).all()
    counts = {status: n for status, n in rows}  # noqa: C416  (rows of two columns)
    for status in OutboxStatus:
        click.echo(f"{status.value}: {counts.get(status, 0)}")
