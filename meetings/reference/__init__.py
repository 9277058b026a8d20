"""Reference data: States, regional groups, least developed countries, organisations, currencies."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

    from meetings.auth.models import Role, User


def seed_reference(_users: dict[Role, User]) -> None:
    from meetings.reference.services import load_reference_data

    load_reference_data()


def init_app(app: Flask) -> None:
    from meetings.demo import add_seeder
    from meetings.reference import labels, models  # noqa: F401
    from meetings.reference.cli import cli

    app.cli.add_command(cli)
    add_seeder(app, seed_reference)
