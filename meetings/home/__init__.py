"""Home page, dashboard, language choice and the health check."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from meetings.home import views
    from meetings.templating import NavItem, add_navigation

    app.register_blueprint(views.bp)
    add_navigation(app, NavItem(_l("Dashboard"), "home.dashboard", login_required=True, order=20))
