from __future__ import annotations

import logging

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from meetings import clock
from meetings.auth.current import current_account
from meetings.auth.permissions import is_state_focal_point
from meetings.extensions import limiter
from meetings.forms import safe_next
from meetings.home import health
from meetings.i18n import language_name
from meetings.registration.queries import my_registrations, unfinished
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
    registrations = my_registrations(user)
    return render_template(
        "home/dashboard.html",
        user=user,
        registrations=registrations,
        drafts=unfinished(registrations),
        todos=focal_todo(user),
        desk=secretariat_todo(user),
        state_focal_point=is_state_focal_point(user),
    )


@bp.post("/language")
def set_language() -> Response:
    """The language of the pages in this browser. The account's own language (that of every
    e-mail to it) is kept apart, changed on the account page: switching to read a page in
    another language does not change what a person's mail is written in. When the two differ,
    the person is told, with the way to change it."""
    code = request.form.get("language", "")
    if code in current_app.config["LANGUAGES"]:
        session["language"] = code
        account = getattr(current_user, "locale", None) if current_user.is_authenticated else None
        if account and account != code:
            with force_locale(code):
                flash(
                    _(
                        "Pages are now in %(language)s. Your e-mails are still written in "
                        "%(mail_language)s: change that on your account page.",
                        language=language_name(code, code),
                        mail_language=language_name(account, code),
                    ),
                    "info",
                )
    return redirect(safe_next(request.form.get("next")) or url_for("home.index"))


@bp.get("/healthz")
@limiter.exempt
def healthz() -> tuple[dict[str, str], int]:
    if not health.database_reachable():
        return {"status": "unavailable", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}, 200


@bp.get("/metrics")
@limiter.exempt
def metrics() -> Response:
    """Prometheus's figures, for the addresses MEETINGS_METRICS_ALLOW lists (404 for others)."""
    from meetings.metrics import exposition

    return exposition()


@bp.get("/readyz")
@limiter.exempt
def readyz() -> tuple[dict[str, object], int]:
    """Ready to serve: the database, Redis and document storage each answer (a load balancer
    takes a host out when one does not; the answer says which)."""
    checks = health.readiness()
    ready = all(value in ("ok", "not configured") for value in checks.values())
    return {"status": "ready" if ready else "unavailable", "checks": checks}, 200 if ready else 503
