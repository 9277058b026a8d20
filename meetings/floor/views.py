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
from meetings.floor import speakers
from meetings.floor.models import Inscription, InscriptionStatus, SpeakersList
from meetings.floor.order import Level
from meetings.forms import ConfirmForm, act
from meetings.labels import label
from meetings.schedule.services import visible_meeting

bp = Blueprint("floor", __name__)


def _readable(list_id: int) -> SpeakersList:
    found = speakers.list_by_id(list_id)
    visible_meeting(current_actor(), found.meeting.code)  # 404 when the meeting is not public
    return found


def _rows(found: SpeakersList) -> list[dict[str, Any]]:
    return [
        {
            "id": row.id,
            "place": place,
            "speaker": speakers.speaker_name(row),
            "kind": row.kind.value,
            "level": str(label(row.level)),
            "status": row.status.value,
            "status_label": str(label(row.status)),
        }
        for place, row in enumerate(speakers.inscriptions(found), start=1)
    ]


@bp.get("/meetings/<code>/speakers")
def lists(code: str) -> ResponseReturnValue:
    meeting = visible_meeting(current_actor(), code)
    return render_template("floor/lists.html", meeting=meeting, lists=speakers.lists_of(meeting.id))


@bp.get("/speakers/<int:list_id>")
def speakers_page(list_id: int) -> ResponseReturnValue:
    found = _readable(list_id)
    actor = current_actor()
    own = None
    state = None
    if actor is not None and is_state_focal_point(actor):
        assignment = actor.focal_point_assignment
        state = assignment.state if assignment else None
        own = speakers.own_inscription(found, state.id) if state else None
    rows = _rows(found)
    return render_template(
        "floor/list.html",
        speakers_list=found,
        rows=rows,
        own_place=next((r["place"] for r in rows if own and r["id"] == own.id), None),
        open=speakers.is_open(found),
        state=state,
        own=own,
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
        "speakers": _rows(found),
    }


@bp.get("/speakers/<int:list_id>/print")
def speakers_print(list_id: int) -> ResponseReturnValue:
    found = _readable(list_id)
    waiting = [r for r in _rows(found) if r["status"] == InscriptionStatus.WAITING.value]
    return render_template("floor/print.html", speakers_list=found, rows=waiting, for_pdf=False)


@bp.post("/speakers/<int:list_id>/inscribe")
@login_required
def inscribe(list_id: int) -> ResponseReturnValue:
    actor = current_account()
    found = _readable(list_id)
    assignment = actor.focal_point_assignment
    if (
        assignment is None
        or assignment.state_id is None
        or not acts_for(actor, state_id=assignment.state_id)
    ):
        abort(403)
    try:
        level = Level(request.form.get("level", ""))
    except ValueError:
        level = None
    state_id = assignment.state_id

    def call() -> Inscription:
        if level is None:
            from meetings.errors import DomainError

            raise DomainError(_("Choose the level of your speaker."), field="level")
        return speakers.inscribe_state(actor, found, state_id, level, None)

    return act(
        call,
        success=_("Your State is on the list of speakers."),
        back=url_for(".speakers_page", list_id=found.id),
    )


def speakers_link(meeting: Any) -> tuple[str, str] | None:
    """The meeting's lists of speakers, on its page (asked of no database: the page built for
    anonymous visitors is kept per schedule version, and lists come and go more often)."""
    return _("Lists of speakers"), url_for("floor.lists", code=meeting.code)
