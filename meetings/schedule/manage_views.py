"""The secretariat's pages: meetings, their state and publication, rooms, sittings, import."""

from __future__ import annotations

from datetime import date, time

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from meetings.auth.current import current_account
from meetings.auth.guards import guard
from meetings.auth.permissions import Permission
from meetings.forms import ConfirmForm, act, options, parse_choice, perform, status_for, submit_form
from meetings.labels import label
from meetings.pagination import requested_page
from meetings.schedule import import_preview, queries, services, sittings
from meetings.schedule import rooms as room_services
from meetings.schedule.forms import ImportForm, MeetingForm, RoomForm, SittingForm
from meetings.schedule.models import (
    Meeting,
    MeetingFormat,
    MeetingKind,
    MeetingState,
    SittingKind,
    SittingStatus,
)
from meetings.schedule.programme_import import ProgrammeImportError, read_upload
from meetings.security import as_id

bp = Blueprint("schedule_manage", __name__, url_prefix="/secretariat")
guard(bp, Permission.MANAGE_SCHEDULE)


# --- meetings ------------------------------------------------------------------------------------


@bp.get("/meetings")
def meetings() -> ResponseReturnValue:
    return render_template(
        "schedule/manage/meetings.html", meetings=services.all_meetings(current_account())
    )


def _meeting_form(meeting: Meeting | None = None) -> MeetingForm:
    form = MeetingForm()
    form.process_id.choices = options(
        ((p.id, p.display_title) for p in services.processes()), blank=_("— choose —")
    )
    if request.method == "GET" and meeting is not None:
        data = services.meeting_data(meeting)
        form.process(
            data=data.__dict__
            | {
                "kind": data.kind.value,
                "format": data.format.value,
                "process_id": str(data.process_id),
            }
            | {f"title_{lang}": title for lang, title in data.titles.items()}
        )
    return form


def _meeting_data(form: MeetingForm) -> services.MeetingData:
    closing: time = form.closing_time.data or services.DEFAULT_CLOSING_TIME
    start: date = form.start_date.data
    end: date = form.end_date.data
    return services.MeetingData(
        process_id=int(form.process_id.data),
        code=form.code.data or "",
        title=form.title.data or "",
        titles=form.translated_titles(),
        kind=MeetingKind(form.kind.data),
        venue=form.venue.data or "",
        timezone=form.timezone.data or "",
        start_date=start,
        end_date=end,
        format=MeetingFormat(form.format.data),
        registration_opens_on=form.registration_opens_on.data,
        registration_deadline=form.registration_deadline.data,
        closing_time=closing,
    )


@bp.route("/meetings/new", methods=["GET", "POST"])
def new_meeting() -> ResponseReturnValue:
    actor = current_account()
    form = _meeting_form()
    done = submit_form(
        form,
        lambda: services.create_meeting(actor, _meeting_data(form)),
        success=_("Meeting created. Add rooms and sittings, then publish it."),
        then=lambda meeting: url_for(".meeting", code=meeting.code),
    )
    return done or (
        render_template("schedule/manage/meeting_form.html", form=form, meeting=None),
        status_for(form),
    )


@bp.route("/meetings/<code>/edit", methods=["GET", "POST"])
def edit_meeting(code: str) -> ResponseReturnValue:
    actor = current_account()
    meeting = services.managed_meeting(actor, code)
    form = _meeting_form(meeting)
    done = submit_form(
        form,
        lambda: services.update_meeting(actor, meeting, _meeting_data(form)),
        success=_("Meeting saved."),
        then=lambda _none: url_for(".meeting", code=meeting.code),
    )
    return done or (
        render_template("schedule/manage/meeting_form.html", form=form, meeting=meeting),
        status_for(form),
    )


@bp.get("/meetings/<code>")
def meeting(code: str) -> ResponseReturnValue:
    actor = current_account()
    found = services.managed_meeting(actor, code)
    page, days = queries.programme_page(found, requested_page())
    return render_template(
        "schedule/manage/meeting.html",
        meeting=found,
        page=page,
        days=days,
        transitions=services.MEETING_WORKFLOW.targets(actor, found),
        confirm=ConfirmForm(),
    )


@bp.post("/meetings/<code>/state")
def change_state(code: str) -> ResponseReturnValue:
    actor = current_account()
    found = services.managed_meeting(actor, code)
    return act(
        lambda: services.change_meeting_state(
            actor,
            found,
            parse_choice(
                MeetingState, request.form.get("state"), _("Choose a state from the list.")
            ),
        ),
        success=lambda _none: _("The meeting is now “%(state)s”.", state=label(found.state)),
        back=url_for(".meeting", code=found.code),
    )


@bp.post("/meetings/<code>/publication")
def publication(code: str) -> ResponseReturnValue:
    actor = current_account()
    found = services.managed_meeting(actor, code)
    publish = request.form.get("published") == "1"
    return act(
        lambda: services.set_published(actor, found, publish),
        success=_("The programme is public.") if publish else _("The programme is hidden."),
        back=url_for(".meeting", code=found.code),
    )


# --- sittings ------------------------------------------------------------------------------------


def _sitting_form(data: sittings.SittingData | None = None) -> SittingForm:
    form = SittingForm()
    form.room_id.choices = options(
        ((r.id, r.label) for r in room_services.rooms()), blank=_("No room (virtual)")
    )
    if request.method == "GET" and data is not None:
        form.process(
            data=data.__dict__ | {"kind": data.kind.value, "room_id": str(data.room_id or "")}
        )
    return form


def _sitting_data(form: SittingForm) -> sittings.SittingData:
    return sittings.SittingData(
        kind=SittingKind(form.kind.data),
        title=form.title.data or "",
        day=form.day.data,
        start=form.start.data,
        end=form.end.data,
        room_id=int(form.room_id.data) if form.room_id.data else None,
        agenda_items=form.agenda_items.data or "",
        number=form.number.data,
    )


@bp.route("/meetings/<code>/sittings/new", methods=["GET", "POST"])
def new_sitting(code: str) -> ResponseReturnValue:
    actor = current_account()
    meeting = services.managed_meeting(actor, code)
    form = _sitting_form()
    if request.method == "GET":
        form.day.data = meeting.start_date
    done = submit_form(
        form,
        lambda: sittings.schedule_sitting(actor, meeting, _sitting_data(form)),
        success=lambda created: _("Sitting %(n)d scheduled.", n=created.number),
        then=url_for(".meeting", code=meeting.code),
    )
    return done or (
        render_template(
            "schedule/manage/sitting_form.html", form=form, meeting=meeting, sitting=None
        ),
        status_for(form),
    )


@bp.route("/sittings/<int:sitting_id>/edit", methods=["GET", "POST"])
def edit_sitting(sitting_id: int) -> ResponseReturnValue:
    actor = current_account()
    sitting = sittings.managed_sitting(actor, sitting_id)
    meeting = sitting.meeting  # kept: a rollback below expires the sitting's relationships
    form = _sitting_form(sittings.sitting_data(sitting))
    done = submit_form(
        form,
        lambda: sittings.update_sitting(actor, sitting, _sitting_data(form)),
        success=lambda changed: _("Sitting saved.") if changed else _("Nothing was changed."),
        then=url_for(".meeting", code=meeting.code),
    )
    return done or (
        render_template(
            "schedule/manage/sitting_form.html",
            form=form,
            meeting=meeting,
            sitting=sitting,
            confirm=ConfirmForm(),
        ),
        status_for(form),
    )


@bp.post("/sittings/<int:sitting_id>/status")
def sitting_status(sitting_id: int) -> ResponseReturnValue:
    actor = current_account()
    sitting = sittings.managed_sitting(actor, sitting_id)
    target = request.form.get("status")
    if target == SittingStatus.CANCELLED.value and request.form.get("confirmed") != "1":
        # Cancelling tells every subscriber's calendar: one more page says so first.
        return render_template(
            "schedule/manage/confirm_cancel.html",
            sitting=sitting,
            meeting=sitting.meeting,
            confirm=ConfirmForm(),
        )
    return act(
        lambda: sittings.change_status(
            actor, sitting, parse_choice(SittingStatus, target, _("Choose a status."))
        ),
        success=_("Sitting cancelled; it stays in the programme, struck through.")
        if target == SittingStatus.CANCELLED.value
        else _("Sitting restored."),
        back=url_for(".meeting", code=sitting.meeting.code),
    )


@bp.route("/meetings/<code>/import", methods=["GET", "POST"])
def import_sittings(code: str) -> ResponseReturnValue:
    """Step one: the file is checked and kept, and what it would do is shown; nothing changes."""
    actor = current_account()
    meeting = services.managed_meeting(actor, code)
    form = ImportForm()
    outcome = None
    if form.validate_on_submit():
        upload = form.file.data
        outcome = perform(
            lambda: import_preview.preview_import(
                actor, meeting, read_upload(upload.read()), upload.filename or ""
            ),
            form=form,
        )
        if outcome.value is not None:
            return redirect(
                url_for(".import_review", code=meeting.code, staged_id=outcome.value.staged.id)
            )
    error = outcome.error if outcome is not None else None
    problems = error.problems if isinstance(error, ProgrammeImportError) else []
    return render_template(
        "schedule/manage/import.html", form=form, meeting=meeting, problems=problems
    ), status_for(form)


@bp.get("/meetings/<code>/import/<int:staged_id>")
def import_review(code: str, staged_id: int) -> ResponseReturnValue:
    actor = current_account()
    meeting = services.managed_meeting(actor, code)
    staged = import_preview.staged_import(actor, meeting, staged_id)
    if staged.applied_at is not None:
        flash(_("This file has been imported already."), "info")
        return redirect(url_for(".meeting", code=meeting.code))
    outcome = perform(lambda: import_preview.show_preview(actor, meeting, staged))
    if outcome.value is None:  # the programme changed since: the file no longer fits
        return redirect(url_for(".import_sittings", code=meeting.code))
    return render_template(
        "schedule/manage/import_review.html",
        meeting=meeting,
        preview=outcome.value,
        confirm=ConfirmForm(),
    )


@bp.post("/meetings/<code>/import/<int:staged_id>")
def import_apply(code: str, staged_id: int) -> ResponseReturnValue:
    """Step two: write what the preview showed, replacing only the hand-made changes chosen."""
    actor = current_account()
    meeting = services.managed_meeting(actor, code)
    replace = frozenset(
        found for v in request.form.getlist("replace")[:20_000] if (found := as_id(v))
    )
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for(".import_review", code=meeting.code, staged_id=staged_id))
    outcome = perform(
        lambda: import_preview.apply_import(
            actor, meeting, import_preview.staged_import(actor, meeting, staged_id), replace
        )
    )
    if outcome.value is None:
        return redirect(url_for(".import_review", code=meeting.code, staged_id=staged_id))
    flash(_("Programme imported: %(result)s.", result=str(outcome.value)), "success")
    return redirect(url_for(".meeting", code=meeting.code))


# --- rooms ---------------------------------------------------------------------------------------


@bp.route("/rooms", methods=["GET", "POST"])
def rooms() -> ResponseReturnValue:
    actor = current_account()
    form = RoomForm()
    done = submit_form(
        form,
        lambda: room_services.create_room(actor, form.room_data()),
        success=_("Room added."),
        then=url_for(".rooms"),
    )
    return done or (
        render_template("schedule/manage/rooms.html", form=form, rooms=room_services.rooms()),
        status_for(form),
    )


@bp.route("/rooms/<int:room_id>/edit", methods=["GET", "POST"])
def edit_room(room_id: int) -> ResponseReturnValue:
    actor = current_account()
    room = room_services.room_by_id(actor, room_id)
    form = RoomForm(obj=room if request.method == "GET" else None)
    done = submit_form(
        form,
        lambda: room_services.update_room(actor, room, form.room_data()),
        success=_("Room saved."),
        then=url_for(".rooms"),
    )
    return done or (
        render_template("schedule/manage/room_form.html", form=form, room=room),
        status_for(form),
    )
