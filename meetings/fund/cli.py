from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import click
from flask.cli import AppGroup

from meetings import clock
from meetings.csvfiles import CsvImportError, read_text
from meetings.errors import DomainError
from meetings.extensions import db
from meetings.fund import payments, rates, refunds, settlement
from meetings.fund.models import PaymentMethod
from meetings.fund.stripe import reconcile

cli = AppGroup("fund", help="The sponsorship fund.")


@cli.command("reconcile")
@click.option("--days", default=30, show_default=True, help="How far back to ask Stripe.")
@click.option(
    "--from",
    "start",
    type=click.DateTime(["%Y-%m-%d"]),
    help="First day of the period to compare with Stripe's balance (default: --days ago).",
)
@click.option(
    "--to",
    "end",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Last day of the period to compare (default: today).",
)
def reconcile_command(days: int, start: object, end: object) -> None:
    """Apply the Stripe events we missed, settle stale card payments, read fees and refunds
    still open; then compare our figures with Stripe's balance transactions for the period
    (exit status 1 when they differ)."""
    provider = payments.provider(PaymentMethod.STRIPE)
    try:
        steps = (
            len(reconcile.missing_events(days))
            + len(reconcile.stale_contributions())
            + len(settlement.unsettled(PaymentMethod.STRIPE))
            + len(refunds.pending_refunds())
        )
        with click.progressbar(length=steps, label="Reconciling") as bar:
            report = provider.reconcile(db.session.commit, bar.update, days=days)
        first: date = start.date() if start else clock.now().date() - timedelta(days=days)  # type: ignore[attr-defined]
        last: date = end.date() if end else clock.now().date()  # type: ignore[attr-defined]
        comparison = reconcile.compare(first, last)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    click.echo(f"Stripe events not processed before: {len(report.events_applied)}")
    for event_id in report.events_applied:
        click.echo(f"  applied {event_id}")
    click.echo(f"Card payments pending for more than a day: {len(report.stale)}")
    for contribution_id in report.stale:
        state = "settled" if contribution_id in report.settled else "still pending"
        click.echo(f"  contribution {contribution_id}: {state}")
    click.echo(f"Fees read from Stripe: {len(report.fees_read)}")
    click.echo(f"Refunds settled: {len(report.refunds_settled)}")
    for line in reconcile.describe(comparison):
        click.echo(line)
    if not comparison.agrees:
        raise SystemExit(1)


@cli.command("import-rates")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_rates_command(path: Path) -> None:
    """Import operational rates of exchange from a CSV file: every row, or none."""
    try:
        result = rates.import_rates(None, read_text(path.read_bytes()))
    except CsvImportError as error:
        db.session.rollback()
        for problem in error.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(error.message) from error
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(str(result))
