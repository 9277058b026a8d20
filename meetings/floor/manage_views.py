"""The secretariat runs the lists of speakers: creates and closes them, inscribes groups,
organisations and civil society, moves a speaker with a reason, and marks who spoke or was
absent during the sitting."""

from __future__ import annotations

from datetime import date, time

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from meetings.auth.current import current_account
from meetings.auth.guards import guard
from meetings.auth.permissions import Permission
from meetings.errors import DomainError
from meetings.floor import speakers, statement_queries, swaps
from meetings.floor.lists import (
    close_list,
    create_list,
    list_by_id,
    lists_of,
    set_time_limit,
    sittings_to_choose,
)
from meetings.floor.models import Inscription, InscriptionStatus
from meetings.floor.order import SpeakerKind
from meetings.floor.presenting import person
from meetings.forms import ConfirmForm, act, perform
from meetings.reference.services import states
from meetings.schedule import services as schedule
from meetings.schedule.timezones import local_to_utc

bp = Blueprint("floor_manage", __name__, url_prefix="/secretariat")
guard(bp, Permission.MANAGE_SCHEDULE)


@bp.route("/meetings/<code>/speakers", methods=["GET", "POST"])
def lists(code: str) -> ResponseReturnValue:
    actor = current_account()
    meeting = schedule.managed_meeting(actor, code)
    error = None
    if request.method == "POST":
        form = ConfirmForm()
        title = request.form.get("title", "")
        day_text = request.form.get("opens_on", "")
        clock_text = request.form.get("opens_at", "") or "09:00"
        limit_text = request.form.get("time_limit", "") or "5"

        def create() -> object:
            try:
                day = date.fromisoformat(day_text)
                at = time.fromisoformat(clock_text)
            except ValueError:
                raise DomainError(
                    _("Enter the day and time inscriptions open."), field="opens_on"
                ) from None
            if not limit_text.isdigit():
                raise DomainError(_("Enter the minutes each speaker has."), field="time_limit")
            return create_list(
                actor,
                meeting.id,
                title,
                local_to_utc(day, at, meeting.zone),
                int(limit_text) * 60,
                [int(v) for v in request.form.getlist("sittings") if v.isdigit()],
            )

        if form.validate_on_submit():
            outcome = perform(create)
            if outcome:
                return redirect(url_for(".lists", code=meeting.code))
            error = outcome.error
    return render_template(
        "floor/manage/lists.html",
        meeting=meeting,
        lists=lists_of(meeting.id),
        sittings=sittings_to_choose(meeting.id),
        confirm=ConfirmForm(),
        error=error,
        values=request.form,
    ), (422 if error else 200)


@bp.get("/speakers/<int:list_id>")
def manage(list_id: int) -> ResponseReturnValue:
    found = list_by_id(list_id)
    rows = speakers.inscriptions(found)
    waiting_states = [
        r for r in rows if r.status is InscriptionStatus.WAITING and r.kind is SpeakerKind.STATE
    ]
    return render_template(
        "floor/manage/list.html",
        speakers_list=found,
        rows=rows,
        name=speakers.speaker_name,
        person=lambda row: person(row, everyone=False),
        states=states(),
        waiting_states=waiting_states,
        swaps=swaps.open_swaps(found.id),
        kinds=[k for k in SpeakerKind if k is not SpeakerKind.STATE],
        waiting=[r for r in rows if r.status is InscriptionStatus.WAITING],
        confirm=ConfirmForm(),
        open=speakers.is_open(found),
    )


@bp.post("/speakers/<int:list_id>/close")
def close(list_id: int) -> ResponseReturnValue:
    actor = current_account()
    found = list_by_id(list_id)
    return act(
        lambda: close_list(actor, found),
        success=_("The list is closed for inscription."),
        back=url_for(".manage", list_id=found.id),
    )


@bp.post("/speakers/<int:list_id>/others")
def inscribe_other(list_id: int) -> ResponseReturnValue:
    actor = current_account()
    found = list_by_id(list_id)
    kind_text = request.form.get("kind", "")
    name = request.form.get("name", "")
    state_text = request.form.get("state", "")

    def call() -> Inscription:
        try:
            kind = SpeakerKind(kind_text)
        except ValueError:
            raise DomainError(_("Choose who speaks."), field="kind") from None
        state_id = int(state_text) if state_text.isdigit() else None
        return speakers.inscribe_other(actor, found, kind, name, state_id)

    return act(call, success=_("Inscribed."), back=url_for(".manage", list_id=found.id))


@bp.post("/speakers/<int:list_id>/inscriptions/<int:inscription_id>/move")
def move(list_id: int, inscription_id: int) -> ResponseReturnValue:
    actor = current_account()
    row = speakers.inscription_of(list_id, inscription_id)
    place = request.form.get("place", "")
    reason = request.form.get("reason", "")

    def call() -> Inscription:
        if not place.isdigit() or int(place) < 1:
            raise DomainError(_("Enter the new place, a number from 1."), field="place")
        return speakers.move(actor, row, int(place) - 1, reason)

    return act(call, success=_("The speaker is moved."), back=url_for(".manage", list_id=list_id))


@bp.post("/speakers/<int:list_id>/inscriptions/<int:inscription_id>/mark")
def mark(list_id: int, inscription_id: int) -> ResponseReturnValue:
    actor = current_account()
    row = speakers.inscription_of(list_id, inscription_id)
    status_text = request.form.get("status", "")

    def call() -> Inscription:
        try:
            status = InscriptionStatus(status_text)
        except ValueError:
            raise DomainError(_("Mark a speaker as having spoken, or as absent.")) from None
        return speakers.mark(actor, row, status)

    return act(call, success=_("Noted."), back=url_for(".manage", list_id=list_id))


@bp.post("/speakers/<int:list_id>/time-limit")
def time_limit(list_id: int) -> ResponseReturnValue:
    actor = current_account()
    found = list_by_id(list_id)
    minutes = request.form.get("minutes", "").strip()
    seconds = request.form.get("seconds", "").strip() or "0"

    def call() -> object:
        if not (minutes or "0").isdigit() or not seconds.isdigit():
            raise DomainError(_("Enter the minutes and seconds each speaker has."))
        return set_time_limit(actor, found, int(minutes or "0") * 60 + int(seconds))

    return act(
        call, success=_("The time per speaker is set."), back=url_for(".manage", list_id=list_id)
    )


@bp.post("/speakers/<int:list_id>/swaps")
def propose_swap(list_id: int) -> ResponseReturnValue:
    """The secretariat records two delegations' wish to exchange places; each focal point then
    confirms."""
    actor = current_account()
    first_text, second_text = request.form.get("first", ""), request.form.get("second", "")

    def call() -> object:
        if not first_text.isdigit() or not second_text.isdigit():
            raise DomainError(_("Choose the two States."), field="other")
        first = speakers.inscription_of(list_id, int(first_text))
        second = speakers.inscription_of(list_id, int(second_text))
        return swaps.propose(actor, first, second)

    return act(
        call,
        success=_("Proposed. Both focal points are asked to agree."),
        back=url_for(".manage", list_id=list_id),
    )


@bp.post("/speakers/<int:list_id>/swaps/<int:swap_id>/withdraw")
def withdraw_swap(list_id: int, swap_id: int) -> ResponseReturnValue:
    actor = current_account()
    swap = swaps.swap_by_id(list_id, swap_id)
    return act(
        lambda: swaps.withdraw(actor, swap),
        success=_("The proposal is withdrawn."),
        back=url_for(".manage", list_id=list_id),
    )


@bp.get("/meetings/<code>/statements")
def statements_list(code: str) -> ResponseReturnValue:
    """Every statement of the meeting, embargoed ones too, to mark them delivered."""
    actor = current_account()
    meeting = schedule.managed_meeting(actor, code)
    return render_template(
        "floor/manage/statements.html",
        meeting=meeting,
        rows=statement_queries.all_statements(actor, meeting.id),
        confirm=ConfirmForm(),
    )
