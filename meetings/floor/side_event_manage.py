"""The secretariat's side events (routes on the floor's manage blueprint): the slots offered,
and each request reviewed: approved with a room and a slot, another slot proposed, declined
with a reason, or an approved one cancelled."""

from __future__ import annotations

from datetime import date, time, timedelta

from flask import redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from meetings.auth.current import current_account
from meetings.errors import DomainError
from meetings.floor import side_events
from meetings.floor.manage_views import bp
from meetings.floor.side_event_models import SideEventRequest, SlotKind
from meetings.floor.side_event_slots import offer_slots, slots_of
from meetings.forms import ConfirmForm, act, perform
from meetings.schedule import services as schedule
from meetings.schedule.rooms import rooms


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


@bp.route("/meetings/<code>/side-events", methods=["GET", "POST"])
def side_events_review(code: str) -> ResponseReturnValue:
    actor = current_account()
    meeting = schedule.managed_meeting(actor, code)
    form = ConfirmForm()
    error = None
    if request.method == "POST" and form.validate_on_submit():
        kind_text = request.form.get("kind", "")
        starts_text, ends_text = request.form.get("starts", ""), request.form.get("ends", "")
        chosen = request.form.getlist("days")

        def call() -> object:
            try:
                kind = SlotKind(kind_text)
            except ValueError:
                raise DomainError(_("Choose the kind of slot."), field="kind") from None
            try:
                starts, ends = time.fromisoformat(starts_text), time.fromisoformat(ends_text)
            except ValueError:
                raise DomainError(
                    _("Enter the times the slot starts and ends."), field="starts"
                ) from None
            try:
                days = [date.fromisoformat(d) for d in chosen]
            except ValueError:
                raise DomainError(_("Choose days of the meeting."), field="days") from None
            return offer_slots(actor, meeting, kind, starts, ends, days)

        outcome = perform(call)
        if outcome:
            return redirect(url_for(".side_events_review", code=meeting.code))
        error = outcome.error
    return render_template(
        "floor/manage/side_events.html",
        meeting=meeting,
        slots=slots_of(meeting.id),
        rows=side_events.requests_of(meeting.id),
        rooms=rooms(),
        days=_days(meeting.start_date, meeting.end_date),
        kinds=list(SlotKind),
        confirm=form,
        error=error,
        typed=request.form,
    ), (422 if error else 200)


def _number(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


def _back(found: SideEventRequest) -> str:
    meeting = side_events.meeting_of(found)
    return url_for(".side_events_review", code=meeting.code) + f"#side-event-{found.id}"


@bp.post("/side-events/<int:request_id>/<any(approve, propose, decline, cancel):decision>")
def decide_side_event(request_id: int, decision: str) -> ResponseReturnValue:
    actor = current_account()
    found = side_events.request_by_id(request_id)
    slot_id, room_id = _number(request.form.get("slot")), _number(request.form.get("room"))
    message = request.form.get("message", "")

    def call() -> SideEventRequest:
        if decision == "approve":
            return side_events.approve(actor, found, slot_id, room_id)
        if decision == "propose":
            return side_events.propose(actor, found, slot_id, room_id, message)
        if decision == "decline":
            return side_events.decline(actor, found, message)
        return side_events.cancel(actor, found, message)

    return act(call, success=_("Done; the organisers are told."), back=_back(found))
