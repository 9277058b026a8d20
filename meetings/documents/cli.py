"""``flask documents``: sweep orphan files, check every document against its checksum."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from meetings.documents import maintenance

cli = AppGroup("documents", help="The uploaded documents.")


@cli.command("sweep")
@click.option(
    "--grace",
    default=maintenance.GRACE_SECONDS,
    show_default=True,
    help="Leave files younger than this many seconds (their transaction may be in flight).",
)
@click.option("--dry-run", is_flag=True, help="List what would be removed; remove nothing.")
def sweep_command(grace: int, dry_run: bool) -> None:
    """Remove files no document names (left by a process that died mid-upload)."""
    result = maintenance.sweep(grace_seconds=grace, dry_run=dry_run)
    for name in result.removed:
        click.echo(("would remove " if dry_run else "removed ") + name)
    click.echo(f"{len(result.removed)} orphan file(s); {result.kept} document file(s) kept")


@cli.command("check")
def check_command() -> None:
    """Check that every document has its file, unaltered (exit status 1 if not)."""
    damaged = maintenance.damaged()
    for name in damaged:
        click.echo(f"missing or altered: {name}", err=True)
    if damaged:
        raise SystemExit(1)
    click.echo("every document has its file")
