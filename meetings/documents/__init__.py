"""Uploaded documents, shared by every feature: content checks, storage, serving.

Features call :mod:`meetings.documents.services` and hold a foreign key to ``document``; nothing
else of this package is theirs to touch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from meetings.documents import (
        models,  # noqa: F401  (the document table)
        storage,
    )
    from meetings.documents.cli import cli

    storage.init_app(app)
    app.cli.add_command(cli)
