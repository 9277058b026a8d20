"""iCalendar feeds of the programme: per meeting, per kind, per sitting, and personal."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from meetings.calendar import views

    app.register_blueprint(views.bp)
