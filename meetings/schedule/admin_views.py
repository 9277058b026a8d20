"""The secretariat's pages: meetings, their state and publication, rooms, sittings, import."""

from __future__ import annotations

from datetime import date, time

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from meetings.auth.current import current_account
from meetings.auth.forms import ConfirmForm
from meetings.errors import DomainError
from meetings.extensions import db
from meetings.forms import attach_error, options
from meetings.schedule import queries, services, sittings
from meetings.schedule import rooms as room_services
from meetings.schedule.forms import ImportForm, MeetingForm, RoomForm, SittingForm
from meetings.schedule.labels import MEETING_STATE_LABELS, SITTING_KIND_LABELS
from meetings.schedule.models import (
    Meeting,
    MeetingFormat,
    MeetingKind,
    MeetingState,
    SittingKind,
    SittingStatus,
)
from meetings.schedule.programme_import import (
    ProgrammeImportError,
    import_programme,
    read_upload,
)

bp = Blueprint("secretariat_schedule", __name__, url_prefix="/secretariat")

Page = str | tuple[str, int] | Response


def _status(*forms: object) -> int:
    return 422 if any(getattr(f, "errors", None) for f in forms) else 200


# --- meetings ------------------------------------------------------------------------------------


@bp.get("/meetings")
@login_required
def meetings() -> str:
    return render_template(
        "schedule/admin/meetings.html",
        meetings=services.all_meetings(current_account()),
        states=MEETING_STATE_LABELS,
    )


def _meeting_form(meeting: Meeting | None = None) -> MeetingForm:
    form = MeetingForm()
    form.process_id.choices = options((p.id, p.title) for p in services.processes())
    if request.method == "GET" and meeting is not None:
        data = services.meeting_data(meeting)
        form.process(
            data=data.__dict__
            | {
                "kind": data.kind.value,
                "format": data.format.value,
                "process_id": str(data.process_id),
            }
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
        kind=MeetingKind(form.kind.data),
        venue=form.venue.data or "",
        timezone=form.timezone.data or "",
        start_date=start,
        end_date=end,
        format=MeetingFormat(form.format.data),
        registration_opens_on=form.registration_opens_on.data,
        registration_deadline=form.registration_deadline.data,
        sponsorship_deadline=form.sponsorship_deadline.data,
        closing_time=closing,
    )


@bp.route("/meetings/new", methods=["GET", "POST"])
@login_required
def new_meeting() -> Page:
    actor = current_account()
    services.require_scheduler(actor)
    form = _meeting_form()
    if form.validate_on_submit():
        try:
            meeting = services.create_meeting(actor, _meeting_data(form))
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            flash(_("Meeting created. Add rooms and sittings, then publish it."), "success")
            return redirect(url_for("secretariat_schedule.meeting", code=meeting.code))
    return render_template("schedule/admin/meeting_form.html", form=form, meeting=None), _status(
        form
    )


@bp.route("/meetings/<code>/edit", methods=["GET", "POST"])
@login_required
def edit_meeting(code: str) -> Page:
    actor = current_account()
    meeting = services.managed_meeting(actor, code)
    form = _meeting_form(meeting)
    if form.validate_on_submit():
        try:
            services.update_meeting(actor, meeting, _meeting_data(form))
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            flash(_("Meeting saved."), "success")
            return redirect(url_for("secretariat_schedule.meeting", code=meeting.code))
    return render_template("schedule/admin/meeting_form.html", form=form, meeting=meeting), _status(
        form
    )


@bp.get("/meetings/<code>")
@login_required
def meeting(code: str) -> str:
    actor = current_account()
    found = services.managed_meeting(actor, code)
    return render_template(
        "schedule/admin/meeting.html",
        meeting=found,
        days=queries.programme(found),
        transitions=services.MEETING_TRANSITIONS[found.state],
        states=MEETING_STATE_LABELS,
        kinds=SITTING_KIND_LABELS,
        confirm=ConfirmForm(),
    )


@bp.post("/meetings/<code>/state")
@login_required
def change_state(code: str) -> Response:
    actor = current_account()
    found = services.managed_meeting(actor, code)
    if ConfirmForm().validate_on_submit():
        try:
            services.change_meeting_state(actor, found, MeetingState(request.form.get("state", "")))
            db.session.commit()
        except (DomainError, ValueError) as error:
            db.session.rollback()
            flash(getattr(error, "message", _("Choose a state from the list.")), "error")
        else:
            flash(
                _("The meeting is now “%(state)s”.", state=MEETING_STATE_LABELS[found.state]),
                "success",
            )
    return redirect(url_for("secretariat_schedule.meeting", code=found.code))


@bp.post("/meetings/<code>/publication")
@login_required
def publication(code: str) -> Response:
    actor = current_account()
    found = services.managed_meeting(actor, code)
    if ConfirmForm().validate_on_submit():
        publish = request.form.get("published") == "1"
        services.set_published(actor, found, publish)
        db.session.commit()
        flash(
            _("The programme is public.") if publish else _("The programme is hidden."), "success"
        )
    return redirect(url_for("secretariat_schedule.meeting", code=found.code))


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
@login_required
def new_sitting(code: str) -> Page:
    actor = current_account()
    meeting = services.managed_meeting(actor, code)
    form = _sitting_form()
    if request.method == "GET":
        form.day.data = meeting.start_date
    if form.validate_on_submit():
        try:
            created = sittings.schedule_sitting(actor, meeting, _sitting_data(form))
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            flash(_("Sitting %(n)d scheduled.", n=created.number), "success")
            return redirect(url_for("secretariat_schedule.meeting", code=meeting.code))
    return render_template(
        "schedule/admin/sitting_form.html", form=form, meeting=meeting, sitting=None
    ), _status(form)


@bp.route("/sittings/<int:sitting_id>/edit", methods=["GET", "POST"])
@login_required
def edit_sitting(sitting_id: int) -> Page:
    actor = current_account()
    sitting = sittings.managed_sitting(actor, sitting_id)
    meeting = sitting.meeting  # kept: a rollback below expires the sitting's relationships
    form = _sitting_form(sittings.sitting_data(sitting))
    if form.validate_on_submit():
        try:
            changed = sittings.update_sitting(actor, sitting, _sitting_data(form))
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            flash(_("Sitting saved.") if changed else _("Nothing was changed."), "success")
            return redirect(url_for("secretariat_schedule.meeting", code=meeting.code))
    return render_template(
        "schedule/admin/sitting_form.html",
        form=form,
        meeting=meeting,
        sitting=sitting,
        confirm=ConfirmForm(),
    ), _status(form)


@bp.post("/sittings/<int:sitting_id>/status")
@login_required
def sitting_status(sitting_id: int) -> Response:
    actor = current_account()
    sitting = sittings.managed_sitting(actor, sitting_id)
    code = sitting.meeting.code
    if ConfirmForm().validate_on_submit():
        try:
            sittings.change_status(actor, sitting, SittingStatus(request.form.get("status", "")))
            db.session.commit()
        except (DomainError, ValueError) as error:
            db.session.rollback()
            flash(getattr(error, "message", _("Choose a status.")), "error")
        else:
            flash(
                _("Sitting cancelled; it stays in the programme, struck through.")
                if sitting.is_cancelled
                else _("Sitting restored."),
                "success",
            )
    return redirect(url_for("secretariat_schedule.meeting", code=code))


@bp.route("/meetings/<code>/import", methods=["GET", "POST"])
@login_required
def import_sittings(code: str) -> Page:
    actor = current_account()
    meeting = services.managed_meeting(actor, code)
    form = ImportForm()
    problems = []
    if form.validate_on_submit():
        try:
            text = read_upload(form.file.data.read())
            result = import_programme(actor, meeting, text)
            db.session.commit()
        except ProgrammeImportError as error:
            db.session.rollback()
            problems = error.problems
            form.form_errors.append(error.message)
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            flash(_("Programme imported: %(result)s.", result=str(result)), "success")
            return redirect(url_for("secretariat_schedule.meeting", code=meeting.code))
    return render_template(
        "schedule/admin/import.html", form=form, meeting=meeting, problems=problems
    ), _status(form)


# --- rooms ---------------------------------------------------------------------------------------


@bp.route("/rooms", methods=["GET", "POST"])
@login_required
def rooms() -> Page:
    actor = current_account()
    services.require_scheduler(actor)
    form = RoomForm()
    if form.validate_on_submit():
        try:
            room_services.create_room(actor, form.room_data())
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            flash(_("Room added."), "success")
            return redirect(url_for("secretariat_schedule.rooms"))
    return render_template(
        "schedule/admin/rooms.html", form=form, rooms=room_services.rooms()
    ), _status(form)


@bp.route("/rooms/<int:room_id>/edit", methods=["GET", "POST"])
@login_required
def edit_room(room_id: int) -> Page:
    actor = current_account()
    room = room_services.room_by_id(actor, room_id)
    form = RoomForm(obj=room if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            room_services.update_room(actor, room, form.room_data())
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            flash(_("Room saved."), "success")
            return redirect(url_for("secretariat_schedule.rooms"))
    return render_template("schedule/admin/room_form.html", form=form, room=room), _status(form)
