"""Side events for their organisers (routes on the focal points' blueprint): request one, see
each request's course, accept or decline a slot the secretariat proposed, withdraw, cancel; and
the side event's organisers on its sitting's page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from meetings.auth.current import current_account
from meetings.auth.models import User
from meetings.floor import side_events
from meetings.floor.focal_views import bp
from meetings.floor.side_event_models import SideEventRequest
from meetings.floor.side_event_slots import slots_of
from meetings.floor.statement_models import StatementLanguage
from meetings.forms import ConfirmForm, act, perform
from meetings.schedule.models import SittingKind
from meetings.schedule.services import visible_meeting

FIELDS = ("title", "description", "co_sponsors", "expected_audience", "accessibility")


def _data(form: Any) -> side_events.SideEventData:
    audience = form.get("expected_audience", "").strip().replace(",", "")
    return side_events.SideEventData(
        title=form.get("title", ""),
        description=form.get("description", ""),
        co_sponsors=form.get("co_sponsors", ""),
        expected_audience=int(audience) if audience.isdigit() else None,
        languages=form.getlist("languages"),
        accessibility=form.get("accessibility", ""),
        preferred_slot_ids=[int(v) for v in form.getlist("slots") if v.isdigit()],
    )


@bp.route("/meetings/<code>/side-events", methods=["GET", "POST"])
def side_events_page(code: str) -> ResponseReturnValue:
    actor = current_account()
    meeting = visible_meeting(actor, code)
    form = ConfirmForm()
    error = None
    if request.method == "POST" and form.validate_on_submit():
        outcome = perform(
            lambda: side_events.request_side_event(actor, meeting, _data(request.form))
        )
        if outcome:
            return redirect(url_for(".side_events_page", code=meeting.code))
        error = outcome.error
    delegation = side_events.own_delegation(actor, meeting)
    return render_template(
        "floor/side_events.html",
        meeting=meeting,
        rows=side_events.requests_of(meeting.id, delegation_id=delegation.id) if delegation else [],
        slots=slots_of(meeting.id),
        languages=list(StatementLanguage),
        confirm=form,
        error=error,
        typed=request.form,
    ), (422 if error else 200)


def _cancel(actor: User, found: SideEventRequest) -> SideEventRequest:
    return side_events.cancel(actor, found)


ANSWERS: dict[str, Callable[[User, SideEventRequest], SideEventRequest]] = {
    "accept": side_events.accept_proposal,
    "reject": side_events.reject_proposal,
    "withdraw": side_events.withdraw,
    "cancel": _cancel,
}


def _answered(answer: str) -> str:
    if answer == "accept":
        return str(_("Accepted: the side event is in the programme."))
    if answer == "reject":
        return str(_("The secretariat will review your request again."))
    if answer == "withdraw":
        return str(_("Your request is withdrawn."))
    return str(_("The side event is cancelled; its room is free again."))


@bp.post("/side-events/<int:request_id>/<any(accept, reject, withdraw, cancel):reply>")
def answer_side_event(request_id: int, reply: str) -> ResponseReturnValue:
    actor = current_account()
    found = side_events.request_by_id(request_id)
    call = ANSWERS[reply]
    return act(
        lambda: call(actor, found),
        success=_answered(reply),
        back=url_for(".side_events_page", code=side_events.meeting_of(found).code),
    )


def side_event_panel(meeting: Any, sitting: Any) -> tuple[str, dict[str, Any]] | None:
    """A side event's organisers, description and languages, on its sitting's page."""
    if sitting.kind is not SittingKind.SIDE_EVENT:
        return None
    found: SideEventRequest | None = side_events.side_event_of_sitting(sitting.id)
    if found is None:
        return None
    return "floor/_side_event.html", {"side_event": found}


def side_events_link(meeting: Any) -> tuple[str, str] | None:
    """For a focal point (whose page is never the one kept for anonymous visitors): its side
    events at this meeting. Asks no database: the account's roles are loaded with it."""
    from flask_login import current_user

    if not current_user.is_authenticated or current_user.focal_point_assignment is None:
        return None
    return _("Side events"), url_for("floor_focal.side_events_page", code=meeting.code)
