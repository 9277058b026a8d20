import click
from flask.cli import AppGroup

from meetings.extensions import db
from meetings.reference.services import load_reference_data, run_reference_loaders

cli = AppGroup("reference", help="Reference data: States, regional groups, LDCs, currencies.")


@cli.command("load")
def load_command() -> None:
    """Load or refresh reference data from the versioned files (idempotent)."""
    reports = load_reference_data()
    others = run_reference_loaders()
    db.session.commit()
    for name, report in reports.items():
        click.echo(f"{name}: {report}")
    for name, text in others.items():
        click.echo(f"{name}: {text}")
