import click
from flask.cli import AppGroup

from meetings.extensions import db
from meetings.reference.services import load_reference_data

cli = AppGroup("reference", help="Reference data: States, regional groups, LDCs, currencies.")


@cli.command("load")
def load_command() -> None:
    """Load or refresh reference data from the versioned files (idempotent)."""
    reports = load_reference_data()
    db.session.commit()
    for name, report in reports.items():
        click.echo(f"{name}: {report}")
