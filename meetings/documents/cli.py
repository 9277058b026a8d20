"""``flask documents``: sweep orphan files, check every document against its checksum, move
them to another storage."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from meetings.documents import maintenance
from meetings.documents.backends import StorageError, open_storage

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


@cli.command("migrate-storage")
@click.argument("source")
@click.argument("target")
def migrate_storage_command(source: str, target: str) -> None:
    """Copy every document from the storage SOURCE to TARGET (file:///… or s3://…), checked
    against its SHA-256; run it again to resume. Then set MEETINGS_STORAGE_URL to TARGET."""
    try:
        result = maintenance.migrate(open_storage(source), open_storage(target))
    except StorageError as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"copied {len(result.copied)} document(s); {result.already} already in {target}; "
        f"{len(result.unusable)} missing or altered in {source}"
    )
    for name in result.unusable:
        click.echo(f"missing or altered in the source: {name}", err=True)
    if result.unusable:
        raise SystemExit(1)
