"""Public pages: the list of meetings, a meeting's programme, a sitting."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required

from meetings import clock
from meetings.auth.current import current_account, current_actor
from meetings.auth.models import User
from meetings.forms import ConfirmForm, act
from meetings.schedule import following, queries
from meetings.schedule.models import Meeting, SittingKind
from meetings.schedule.pages import can_keep, programme_for_everyone
from meetings.schedule.services import (
    can_manage,
    public_meetings,
    registration_window_is_open,
    visible_meeting,
    visible_stamp,
)
from meetings.schedule.sittings import sitting_of
from meetings.security import as_id

bp = Blueprint("schedule", __name__)


@bp.get("/meetings")
def meetings() -> ResponseReturnValue:
    found = public_meetings()
    now = clock.now()
    open_ids = {m.id for m in found if registration_window_is_open(m, now)}
    return render_template("schedule/meetings.html", meetings=found, open_ids=open_ids)


def _filters() -> queries.ProgrammeFilter:
    """Filters from the query string; anything unreadable is a 404, not a 500."""
    day = kind = room_id = None
    try:
        if request.args.get("day"):
            day = date.fromisoformat(request.args["day"])
        if request.args.get("kind"):
            kind = SittingKind(request.args["kind"])
        if request.args.get("room"):
            room_id = as_id(request.args["room"])
            if room_id is None:
                abort(404)
    except ValueError:
        abort(404)
    return queries.ProgrammeFilter(day=day, kind=kind, room_id=room_id)


@bp.get("/meetings/<code>")
def meeting(code: str) -> ResponseReturnValue:
    actor = current_actor()
    filters = _filters()
    if actor is None and can_keep():
        # Every anonymous visitor sees the same page: kept per schedule version (pages.py).
        stamp = visible_stamp(None, code)
        page = programme_for_everyone(
            stamp,
            filters,
            lambda **own: _programme(None, visible_meeting(None, code), filters, **own),
        )
        return Response(page, mimetype="text/html")
    return _programme(actor, visible_meeting(actor, code), filters)


def _programme(
    actor: User | None, found: Meeting, filters: queries.ProgrammeFilter, **own: object
) -> str:
    """The programme page; ``own`` replaces template functions (see pages.py)."""
    days = queries.programme(found, filters)
    return render_template(
        "schedule/meeting.html",
        meeting=found,
        days=days,
        # The filters offer the days and rooms with sittings (read from the programme when whole).
        rooms=queries.rooms_used(found) if filters.active else queries.rooms_in(days),
        sitting_days=queries.days_with_sittings(found)
        if filters.active
        else [day.day for day in days],
        filters=filters,
        starred=following.starred_ids(actor, found),
        confirm=ConfirmForm(),
        can_manage=can_manage(actor),
        **own,
    )


@bp.get("/meetings/<code>/sittings/<int:number>")
def sitting(code: str, number: int) -> ResponseReturnValue:
    actor = current_actor()
    found = visible_meeting(actor, code)
    item = sitting_of(found, number)
    return render_template(
        "schedule/sitting.html",
        meeting=found,
        sitting=item,
        starred=item.id in following.starred_ids(actor, found),
        confirm=ConfirmForm(),
    )


@bp.post("/meetings/<code>/sittings/<int:number>/star")
@login_required
def star(code: str, number: int) -> ResponseReturnValue:
    user = current_account()
    found = visible_meeting(user, code)
    item = sitting_of(found, number)
    starring = request.form.get("starred") == "1"
    if request.form.get("back") == "programme":
        back = url_for("schedule.meeting", code=found.code) + f"#sitting-{item.number}"
    else:
        back = url_for("schedule.sitting", code=found.code, number=item.number)
    return act(
        lambda: following.star(user, item) if starring else following.unstar(user, item),
        success=_("Added to your calendar.") if starring else _("Removed from your calendar."),
        back=back,
    )
