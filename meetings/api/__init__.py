"""The JSON API (version 1, under /api/v1/): public data for anyone, a person's own work with a
personal access token, an OpenAPI 3.1 document generated from the code, problem details."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from meetings.api import labels, models, problems, token_pages, token_views, views  # noqa: F401
    from meetings.audit.subjects import Subject, add_subjects
    from meetings.auth.permissions import Permission
    from meetings.errors import add_error_renderer

    app.register_blueprint(views.bp)
    add_error_renderer(app, problems.render)
    add_subjects(app, Subject("api_token", _l("API token"), Permission.MANAGE_USERS))
