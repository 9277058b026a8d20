from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from meetings.csvfiles import CsvImportError, read_text
from meetings.errors import DomainError
from meetings.extensions import db
from meetings.fund import rates, reconcile

cli = AppGroup("fund", help="The sponsorship fund.")


@cli.command("reconcile")
@click.option("--days", default=30, show_default=True, help="How far back to ask Stripe.")
def reconcile_command(days: int) -> None:
    """Apply the Stripe events we missed and settle stale pending card payments."""
    try:
        events = reconcile.missing_events(days)
        stale = reconcile.stale_contributions()
        with click.progressbar(length=len(events) + len(stale), label="Reconciling") as bar:
            report = reconcile.reconcile(db.session.commit, bar.update, days=days)
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
