"""The conference floor: lists of speakers (inscriptions by focal points and the secretariat, the
order by level and time, the sitting's course, a public page for the room)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from meetings.audit.subjects import Subject, add_subjects
    from meetings.auth.permissions import Permission
    from meetings.demo import add_seeder
    from meetings.floor import (  # noqa: F401
        focal_views,
        labels,
        manage_views,
        models,
        presenting,
        side_event_manage,
        side_event_models,
        side_event_views,
        statement_models,
        statement_views,
        views,
    )
    from meetings.floor.demo import seed_floor
    from meetings.templating import add_meeting_link, add_sitting_link, add_sitting_panel

    app.register_blueprint(views.bp)
    app.register_blueprint(manage_views.bp)
    app.register_blueprint(focal_views.bp)
    add_subjects(
        app,
        Subject("speakers_list", _l("List of speakers"), Permission.MANAGE_SCHEDULE),
        Subject("inscription", _l("Inscription on a list of speakers"), Permission.MANAGE_SCHEDULE),
        Subject("speaker_swap", _l("Exchange of places on a list"), Permission.MANAGE_SCHEDULE),
        Subject("statement", _l("Statement"), Permission.MANAGE_SCHEDULE),
        Subject("side_event_request", _l("Side event"), Permission.MANAGE_SCHEDULE),
    )
    add_meeting_link(app, views.speakers_link)
    add_meeting_link(app, statement_views.meeting_statements_link)
    add_meeting_link(app, side_event_views.side_events_link)
    add_sitting_link(app, statement_views.statements_link)
    add_sitting_panel(app, statement_views.statements_panel)
    add_sitting_panel(app, side_event_views.side_event_panel)
    app.jinja_env.filters["speaker_time"] = presenting.clock_time
    app.jinja_env.filters["statement_language"] = presenting.language_name
    add_seeder(app, seed_floor)
