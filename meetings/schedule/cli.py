from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from meetings.errors import DomainError
from meetings.extensions import db
from meetings.schedule.programme_import import ProgrammeImportError, import_programme, read_upload
from meetings.schedule.services import meeting_by_code

cli = AppGroup("schedule", help="Meetings and their programmes.")


@cli.command("import")
@click.argument("meeting_code")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(meeting_code: str, path: Path) -> None:
    """Import the programme of MEETING_CODE from a CSV file: every row, or none."""
    try:
        meeting = meeting_by_code(meeting_code)
        text = read_upload(path.read_bytes())
        rows = max(0, text.count("\n") - 1)
        with click.progressbar(length=rows, label=f"Checking {path.name}") as bar:
            result = import_programme(None, meeting, text, progress=bar.update)
    except ProgrammeImportError as error:
        db.session.rollback()
        for problem in error.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(error.message) from error
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(f"{meeting.code}: {result}")
