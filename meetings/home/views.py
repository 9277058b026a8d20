from __future__ import annotations

import logging

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from meetings import clock
from meetings.auth import services
from meetings.auth.current import current_account
from meetings.auth.permissions import is_state_focal_point
from meetings.extensions import limiter
from meetings.forms import perform, safe_next
from meetings.home import health
from meetings.registration.queries import my_registrations
from meetings.registration.rules import window_is_open
from meetings.registration.todo import focal_todo, secretariat_todo
from meetings.schedule.models import MeetingState
from meetings.schedule.services import public_meetings

bp = Blueprint("home", __name__)
log = logging.getLogger(__name__)


@bp.get("/")
def index() -> str:
    """The meetings whose registration is open now first (with a Register button), then the
    others to come, then those concluded."""
    now = clock.now()
    meetings = public_meetings()
    open_now = [m for m in meetings if window_is_open(m, now)]
    concluded = [m for m in meetings if m.state is MeetingState.CONCLUDED]
    coming = [m for m in reversed(meetings) if m not in open_now and m not in concluded]
    return render_template("home/index.html", open_now=open_now, coming=coming, concluded=concluded)


@bp.get("/dashboard")
@login_required
def dashboard() -> str:
    user = current_account()
    return render_template(
        "home/dashboard.html",
        user=user,
        registrations=my_registrations(user),
        todos=focal_todo(user),
        desk=secretariat_todo(user),
        state_focal_point=is_state_focal_point(user),
    )


@bp.post("/language")
def set_language() -> Response:
    """Remember the chosen language: on the account (for its pages and every e-mail to it), and
    in the session for a visitor."""
    code = request.form.get("language", "")
    if code in current_app.config["LANGUAGES"]:
        session["language"] = code
        if current_user.is_authenticated:
            perform(lambda: services.set_locale(current_account(), code))
    return redirect(safe_next(request.form.get("next")) or url_for("home.index"))


@bp.get("/healthz")
@limiter.exempt
def healthz() -> tuple[dict[str, str], int]:
    if not health.database_reachable():
        return {"status": "unavailable", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}, 200
