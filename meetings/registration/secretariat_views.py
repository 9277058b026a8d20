"""The secretariat: registrations list and bulk accreditation, statistics, late registration,
exports, caps, check-in; and the public list of participants."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response as BaseResponse

from meetings.auth.current import current_account
from meetings.auth.forms import ConfirmForm
from meetings.errors import DomainError
from meetings.extensions import db
from meetings.forms import attach_error, safe_next
from meetings.reference import services as reference
from meetings.reference.models import OrganisationKind
from meetings.registration import badges, delegations, queries, services, workflow
from meetings.registration.forms import CapForm, CheckInForm, LateRegistrationForm
from meetings.registration.labels import (
    CATEGORY_LABELS,
    GENDER_LABELS,
    ROLE_LABELS,
    STATUS_LABELS,
)
from meetings.registration.models import Gender, ParticipantCategory, RegistrationStatus
from meetings.registration.views import fill_affiliation_choices
from meetings.schedule.services import all_meetings, managed_meeting, visible_meeting

bp = Blueprint("secretariat_registration", __name__)

Page = str | tuple[str, int] | BaseResponse


def _attachment(filename: str) -> str:
    return f'attachment; filename="{filename}"'


def _int(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


def _enum(kind: type, name: str) -> object:
    try:
        return kind(request.args[name]) if request.args.get(name) else None
    except ValueError:
        return None


def _filters() -> queries.RegistrationFilter:
    return queries.RegistrationFilter(
        meeting_id=_int("meeting"),
        status=_enum(RegistrationStatus, "status"),  # type: ignore[arg-type]
        category=_enum(ParticipantCategory, "category"),  # type: ignore[arg-type]
        state_id=_int("state"),
        regional_group_id=_int("group"),
        gender=_enum(Gender, "gender"),  # type: ignore[arg-type]
        search=request.args.get("q", "")[:100],
    )


@bp.get("/secretariat/registrations")
@login_required
def registrations() -> str:
    user = current_account()
    filters = _filters()
    page = queries.registrations(user, filters, page=request.args.get("page", 1, type=int) or 1)
    return render_template(
        "registration/secretariat/registrations.html",
        page=page,
        filters=filters,
        meetings=all_meetings(user),
        states=reference.states(),
        groups=reference.regional_groups(),
        statuses=STATUS_LABELS,
        categories=CATEGORY_LABELS,
        genders=GENDER_LABELS,
        roles=ROLE_LABELS,
        confirm=ConfirmForm(),
    )


@bp.post("/secretariat/registrations/accredit")
@login_required
def bulk_accredit() -> BaseResponse:
    user = current_account()
    if ConfirmForm().validate_on_submit():
        ids = [int(v) for v in request.form.getlist("registration") if v.isdigit()]
        chosen = queries.registrations_by_id(user, ids)
        result = workflow.bulk_transition(user, chosen, RegistrationStatus.ACCREDITED)
        db.session.commit()
        flash(_("%(n)d registration(s) accredited.", n=result.done), "success")
        for problem in (result.skipped or [])[:20]:
            flash(problem, "warning")
        if not ids:
            flash(_("Select the registrations to accredit."), "warning")
    back = safe_next(request.form.get("back"))
    return redirect(back or url_for("secretariat_registration.registrations"))


@bp.get("/secretariat/meetings/<code>/statistics")
@login_required
def statistics(code: str) -> str:
    user = current_account()
    meeting = managed_meeting(user, code)
    return render_template(
        "registration/secretariat/statistics.html",
        meeting=meeting,
        stats=queries.statistics(user, meeting),
        statuses=STATUS_LABELS,
        categories=CATEGORY_LABELS,
        genders=GENDER_LABELS,
        caps=delegations.caps(meeting),
        cap_form=CapForm(formdata=None),
        delegations=delegations.delegations_for_meeting(user, meeting),
    )


@bp.post("/secretariat/meetings/<code>/caps")
@login_required
def set_cap(code: str) -> BaseResponse:
    user = current_account()
    meeting = managed_meeting(user, code)
    form = CapForm()
    if form.validate_on_submit():
        try:
            delegations.set_cap(
                user,
                meeting,
                OrganisationKind(form.organisation_kind.data),
                form.max_participants.data,
            )
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            flash(_("Cap saved."), "success")
    else:
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
    return redirect(url_for("secretariat_registration.statistics", code=meeting.code))


@bp.get("/secretariat/meetings/<code>/registrations.csv")
@login_required
def export(code: str) -> BaseResponse:
    user = current_account()
    meeting = managed_meeting(user, code)
    lines = queries.export_registrations(user, meeting)
    return Response(
        stream_with_context(lines),
        mimetype="text/csv",
        headers={"Content-Disposition": _attachment(f"{meeting.code.lower()}-registrations.csv")},
    )


@bp.route("/secretariat/meetings/<code>/register", methods=["GET", "POST"])
@login_required
def register_late(code: str) -> Page:
    user = current_account()
    meeting = managed_meeting(user, code)
    form = LateRegistrationForm()
    fill_affiliation_choices(form)
    if form.validate_on_submit():
        try:
            registration = services.register_late(
                user,
                meeting,
                form.affiliation(),
                form.participant(),
                reason=form.late_registration_reason.data or "",
            )
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            flash(_("%(name)s is registered.", name=registration.full_name), "success")
            return redirect(url_for("registration.detail", registration_id=registration.id))
    return render_template(
        "registration/secretariat/register.html", form=form, meeting=meeting
    ), 422 if form.errors else 200


@bp.route("/secretariat/check-in", methods=["GET", "POST"])
@login_required
def check_in() -> Page:
    user = current_account()
    form = CheckInForm()
    result = None
    if request.method == "GET":
        badges.require_check_in(user)
    if form.validate_on_submit():
        try:
            result = badges.check_in(user, form.token.data or "")
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            form = CheckInForm(formdata=None)
    return render_template(
        "registration/secretariat/check_in.html", form=form, result=result
    ), 422 if form.errors else 200


# --- public --------------------------------------------------------------------------------------


@bp.get("/meetings/<code>/participants")
def participants(code: str) -> BaseResponse | str:
    meeting = visible_meeting(None, code)
    if request.args.get("format") == "csv":
        return Response(
            stream_with_context(queries.export_participants(meeting)),
            mimetype="text/csv",
            headers={
                "Content-Disposition": _attachment(f"{meeting.code.lower()}-participants.csv")
            },
        )
    return render_template(
        "registration/participants.html",
        meeting=meeting,
        groups=queries.list_of_participants(meeting),
        roles=ROLE_LABELS,
        categories=CATEGORY_LABELS,
    )
