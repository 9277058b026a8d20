"""``flask reporting``: load the template files, send the reminders that are due."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from meetings.extensions import db
from meetings.reporting import reminders
from meetings.reporting.template_files import TemplateError, load_templates

cli = AppGroup("reporting", help="National reports.")


@cli.command("load-templates")
def load_templates_command() -> None:
    """Load the report template files not loaded yet (a loaded version never changes)."""
    try:
        loaded = load_templates()
    except TemplateError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    for template in loaded:
        click.echo(f"{template.code} version {template.version}")


@cli.command("remind")
def remind_command() -> None:
    """Remind the focal points of States whose report is due, and of contacts to confirm."""
    reports, contacts = reminders.run()
    db.session.commit()
    click.echo(f"reminded {reports} State(s) of their report, {contacts} of their contacts")
