import click
from flask.cli import AppGroup

from meetings.auth.services import create_admin
from meetings.errors import DomainError
from meetings.extensions import db

cli = AppGroup("users", help="Accounts and roles.")


@cli.command("create-admin")
@click.option("--email", prompt=True, help="E-mail address of the administrator.")
@click.option("--name", "full_name", prompt="Full name", help="Full name of the administrator.")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    envvar="MEETINGS_ADMIN_PASSWORD",
    help="Password (at least 12 characters); read from MEETINGS_ADMIN_PASSWORD when set.",
)
def create_admin_command(email: str, full_name: str, password: str) -> None:
    """Create an administrator, or make an existing account one."""
    try:
        user = create_admin(email=email, password=password, full_name=full_name)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(f"{user.email} is an administrator.")
