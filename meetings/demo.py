"""``flask seed demo``: demonstration data, contributed by each feature and built through the
services, so that it obeys every rule.

A feature's ``init_app`` calls :func:`add_seeder`; seeders run in the order of ``FEATURES`` and
share one dictionary of demo accounts by role (filled by the accounts' own seeder, which runs
first). Idempotent: running it again creates only what is missing and changes nothing that exists.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from meetings.extensions import db

if TYPE_CHECKING:
    from meetings.auth.models import Role, User

Seeder = Callable[[dict["Role", "User"]], None]

cli = AppGroup("seed", help="Demonstration data.")


def add_seeder(app: Flask, seeder: Seeder) -> None:
    app.extensions.setdefault("meetings_demo_seeders", []).append(seeder)


def seed_demo() -> dict[Role, User]:
    """Run every feature's seeder; returns the demo accounts by role."""
    users: dict[Role, User] = {}
    for seeder in current_app.extensions.get("meetings_demo_seeders", []):
        seeder(users)
    db.session.flush()
    return users


@cli.command("demo")
@click.option("--once", is_flag=True, help="Do nothing if the demo data was loaded before.")
def demo_command(once: bool) -> None:
    """Load the demonstration data (idempotent) and print the demo logins."""
    from meetings.auth.demo import demo_loaded, print_logins

    if current_app.config.get("ENV_NAME") == "production":
        # The demo's accounts have a published password, an administrator among them.
        raise click.ClickException(
            "refusing to load the demonstration data in production: its accounts have a "
            "published password"
        )

    if once and demo_loaded():
        click.echo("Demo data already loaded.")
    else:
        seed_demo()
        db.session.commit()
        click.echo("Demo data loaded.")
    waiting = pending_mail()
    if waiting:
        click.echo(
            f"{waiting} e-mail(s) of the demo wait in the outbox: the mail worker (started by "
            "make run) writes them to instance/mail/ (MEETINGS_MAIL_BACKEND=file)."
        )
    print_logins()


def pending_mail() -> int:
    import sqlalchemy as sa

    from meetings.mail import OutboxMessage, OutboxStatus

    return (
        db.session.scalar(
            sa.select(sa.func.count()).where(OutboxMessage.status == OutboxStatus.PENDING)
        )
        or 0
    )


@cli.command("logins")
def logins_command() -> None:
    """Print the demo logins."""
    from meetings.auth.demo import print_logins

    print_logins()


def init_app(app: Flask) -> None:
    app.cli.add_command(cli)
