"""The lists of speakers as everyone reads them (the next speakers, live where JavaScript is on;
as JSON; printable for the presiding officer), and a State's inscription by its focal point."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required

from meetings.auth.current import current_account, current_actor
from meetings.auth.permissions import acts_for, is_state_focal_point
from meetings.errors import DomainError
from meetings.floor import presenting, speakers, swaps
from meetings.floor.lists import list_by_id, lists_of
from meetings.floor.models import Inscription, SpeakersList
from meetings.floor.order import Level
from meetings.forms import ConfirmForm, act
from meetings.schedule.services import can_manage, visible_meeting

bp = Blueprint("floor", __name__)


def _readable(list_id: int) -> SpeakersList:
    found = list_by_id(list_id)
    visible_meeting(current_actor(), found.meeting.code)  # 404 when the meeting is not public
    return found


@bp.get("/meetings/<code>/speakers")
def lists(code: str) -> ResponseReturnValue:
    meeting = visible_meeting(current_actor(), code)
    return render_template(
        "floor/lists.html",
        meeting=meeting,
        lists=lists_of(meeting.id),
        can_manage=can_manage(current_actor()),
    )


def _focal_state(actor: Any) -> Any:
    if actor is None or not is_state_focal_point(actor):
        return None
    assignment = actor.focal_point_assignment
    return assignment.state if assignment else None


@bp.get("/speakers/<int:list_id>")
def speakers_page(list_id: int) -> ResponseReturnValue:
    found = _readable(list_id)
    actor = current_actor()
    state = _focal_state(actor)
    own = speakers.own_inscription(found, state.id) if state else None
    rows = presenting.rows(found, see_names_of=state.id if state else None)
    mine = []
    if state is not None:
        mine = [
            s
            for s in swaps.open_swaps(found.id)
            if state.id in (s.first.state_id, s.second.state_id)
        ]
    return render_template(
        "floor/list.html",
        speakers_list=found,
        rows=rows,
        own_place=next((r["place"] for r in rows if own and r["id"] == own.id), None),
        open=speakers.is_open(found),
        state=state,
        own=own,
        delegates=speakers.delegates_of(found, state.id) if state else [],
        partners=[
            r
            for r in presenting.waiting(rows)
            if r["kind"] == "state" and own and r["id"] != own.id
        ],
        swaps=mine,
        name=speakers.speaker_name,
        levels=list(Level),
        confirm=ConfirmForm(),
    )


@bp.get("/speakers/<int:list_id>.json")
def speakers_json(list_id: int) -> ResponseReturnValue:
    found = _readable(list_id)
    return {
        "list": found.title,
        "meeting": found.meeting.code,
        "open_for_inscription": speakers.is_open(found),
        "time_limit_seconds": found.time_limit_seconds,
        "speakers": presenting.rows(found),
    }


@bp.get("/speakers/<int:list_id>/print")
def speakers_print(list_id: int) -> ResponseReturnValue:
    found = _readable(list_id)
    waiting = presenting.waiting(presenting.rows(found))
    return render_template("floor/print.html", speakers_list=found, rows=waiting, for_pdf=False)


@bp.post("/speakers/<int:list_id>/inscribe")
@login_required
def inscribe(list_id: int) -> ResponseReturnValue:
    actor = current_account()
    found = _readable(list_id)
    state = _focal_state(actor)
    if state is None or not acts_for(actor, state_id=state.id):
        abort(403)
    level_text = request.form.get("level", "")
    speaker_text = request.form.get("speaker", "")

    def call() -> Inscription:
        if level_text not in {level.value for level in Level}:
            raise DomainError(_("Choose the level of your speaker."), field="level")
        speaker_id = int(speaker_text) if speaker_text.isdigit() else None
        return speakers.inscribe_state(actor, found, state.id, Level(level_text), speaker_id)

    return act(
        call,
        success=_("Your State is on the list of speakers."),
        back=url_for(".speakers_page", list_id=found.id),
    )


def speakers_link(meeting: Any) -> tuple[str, str] | None:
    """The meeting's lists of speakers, on its page (asked of no database: the page built for
    anonymous visitors is kept per schedule version, and lists come and go more often)."""
    return _("Lists of speakers"), url_for("floor.lists", code=meeting.code)
