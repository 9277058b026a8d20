import click
from flask.cli import AppGroup

from meetings.extensions import db
from meetings.sponsorship import offers

cli = AppGroup("sponsorship", help="Sponsorship applications and awards.")


@cli.command("expire")
def expire_command() -> None:
    """Expire the offers not answered in time and release their money (run it from cron)."""
    expired = offers.expire_overdue()
    db.session.commit()
    click.echo(f"{len(expired)} offer(s) expired.")
    for application in expired:
        click.echo(f"  application {application.id}: {application.state.name}")
