"""The secretariat: registrations list and bulk accreditation, statistics, late registration,
exports, caps, check-in."""

from __future__ import annotations

from enum import Enum
from typing import TypeVar

from flask import (
    Blueprint,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext

from meetings.auth.current import current_account
from meetings.auth.guards import guard
from meetings.auth.permissions import Permission
from meetings.exports import csv_response
from meetings.forms import (
    ConfirmForm,
    act,
    parse_choice,
    perform,
    safe_next,
    status_for,
    submit_form,
)
from meetings.pagination import requested_page
from meetings.reference import services as reference
from meetings.reference.models import OrganisationKind
from meetings.registration import (
    badges,
    csv_exports,
    delegations,
    printing,
    queries,
    services,
    workflow,
)
from meetings.registration import check_in as check_in_desk
from meetings.registration.forms import (
    CapForm,
    CheckInForm,
    LateRegistrationForm,
    fill_affiliation_choices,
)
from meetings.registration.models import Gender, ParticipantCategory, RegistrationStatus
from meetings.schedule.models import Meeting
from meetings.schedule.services import all_meetings, current_meeting, managed_meeting
from meetings.security import as_id

bp = Blueprint("registration_manage", __name__, url_prefix="/secretariat")
guard(bp, Permission.MANAGE_REGISTRATIONS)

E = TypeVar("E", bound=Enum)


def _int(name: str) -> int | None:
    return as_id(request.args.get(name))


def _enum(kind: type[E], name: str) -> E | None:
    try:
        return kind(request.args[name]) if request.args.get(name) else None
    except ValueError:
        return None


def _meeting_filter() -> int | None:
    """The meeting asked for; "all" for every meeting; by default the current one (a decade of
    meetings is not what the secretariat opens the list for)."""
    asked = request.args.get("meeting")
    if asked == "all":
        return None
    if asked:
        return _int("meeting")
    current = current_meeting(current_account())
    return current.id if current else None


def _filters() -> queries.RegistrationFilter:
    return queries.RegistrationFilter(
        meeting_id=_meeting_filter(),
        status=_enum(RegistrationStatus, "status"),
        category=_enum(ParticipantCategory, "category"),
        state_id=_int("state"),
        regional_group_id=_int("group"),
        gender=_enum(Gender, "gender"),
        search=request.args.get("q", "")[:100],
        printed={"printed": True, "unprinted": False}.get(request.args.get("pass", "")),
    )


@bp.get("/registrations")
def registrations() -> ResponseReturnValue:
    user = current_account()
    filters = _filters()
    page = queries.registrations(user, filters, page=requested_page())
    return render_template(
        "registration/manage/registrations.html",
        page=page,
        filters=filters,
        meetings=all_meetings(user),
        states=reference.states_by_name(),
        groups=reference.regional_groups(),
        confirm=ConfirmForm(),
    )


@bp.post("/registrations/accredit")
def bulk_accredit() -> ResponseReturnValue:
    user = current_account()
    back = safe_next(request.form.get("back")) or url_for(".registrations")
    if not ConfirmForm().validate_on_submit():
        return redirect(back)
    ids = [found for v in request.form.getlist("registration")[:1000] if (found := as_id(v))]
    if not ids:
        flash(_("Select the registrations to accredit."), "warning")
        return redirect(back)
    outcome = perform(
        lambda: workflow.bulk_transition(
            user, queries.registrations_by_id(user, ids), RegistrationStatus.ACCREDITED
        )
    )
    if outcome.value is not None:
        flash(
            ngettext(
                "%(num)d registration accredited.",
                "%(num)d registrations accredited.",
                outcome.value.done,
            ),
            "success",
        )
        for problem in (outcome.value.skipped or [])[:20]:
            flash(problem, "warning")
    return redirect(back)


@bp.post("/passes/print")
def print_passes() -> ResponseReturnValue:
    """One document of passes to print: the selected registrations, or every accredited one of
    a meeting not printed yet. Each is marked printed (a reprint counted) as the document is
    made."""
    user = current_account()
    back = safe_next(request.form.get("back")) or url_for(".registrations")
    if not ConfirmForm().validate_on_submit():
        return redirect(back)
    meeting_id = as_id(request.form.get("unprinted_of"))
    ids = (
        printing.unprinted(user, meeting_id)
        if meeting_id
        else [found for v in request.form.getlist("registration")[:1000] if (found := as_id(v))]
    )
    outcome = perform(lambda: printing.print_passes(user, ids))
    if outcome.value is None:
        return redirect(back)
    for problem in outcome.value.skipped[:20]:
        flash(problem, "warning")
    response = make_response(
        render_template("registration/manage/passes.html", batch=outcome.value, back=back)
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/meetings/<code>/statistics")
def statistics(code: str) -> ResponseReturnValue:
    user = current_account()
    meeting = managed_meeting(user, code)
    return render_template(
        "registration/manage/statistics.html",
        meeting=meeting,
        stats=queries.statistics(user, meeting),
        caps=delegations.caps(meeting),
        cap_form=CapForm(formdata=None),
        delegations=delegations.delegations_for_meeting(user, meeting),
    )


@bp.post("/meetings/<code>/caps")
def set_cap(code: str) -> ResponseReturnValue:
    user = current_account()
    meeting = managed_meeting(user, code)
    form = CapForm()
    return act(
        lambda: delegations.set_cap(
            user,
            meeting,
            parse_choice(OrganisationKind, form.organisation_kind.data, _("Choose a kind.")),
            form.max_participants.data,
        ),
        success=_("Cap saved."),
        back=url_for(".statistics", code=meeting.code),
        form=form,
    )


@bp.get("/meetings/<code>/registrations.csv")
def export(code: str) -> ResponseReturnValue:
    user = current_account()
    meeting = managed_meeting(user, code)
    return csv_response(
        csv_exports.export_registrations(user, meeting), f"{meeting.code.lower()}-registrations.csv"
    )


@bp.route("/meetings/<code>/register", methods=["GET", "POST"])
def register_late(code: str) -> ResponseReturnValue:
    user = current_account()
    meeting = managed_meeting(user, code)
    form = LateRegistrationForm()
    fill_affiliation_choices(form)
    done = submit_form(
        form,
        lambda: services.register_late(
            user,
            meeting,
            form.affiliation(),
            form.participant(),
            reason=form.late_registration_reason.data or "",
        ),
        success=lambda registration: _("%(name)s is registered.", name=registration.full_name),
        then=lambda registration: url_for("registration.detail", registration_id=registration.id),
    )
    return done or (
        render_template("registration/manage/register.html", form=form, meeting=meeting),
        status_for(form),
    )


@bp.route("/check-in", methods=["GET", "POST"])
def check_in() -> ResponseReturnValue:
    """The desk: scan or type a pass's code, or find a person by name and compare the photo."""
    user = current_account()
    meeting = check_in_desk.desk_meeting(user, as_id(request.values.get("meeting")))
    form = CheckInForm()
    result = None
    if request.method == "POST" and form.validate():
        outcome = perform(
            lambda: badges.check_in(
                user, form.token.data or "", meeting.id if meeting is not None else None
            ),
            form=form,
        )
        if outcome:
            result = outcome.value
            form = CheckInForm(formdata=None)
    return _desk(meeting, form, result)


@bp.post("/check-in/<int:registration_id>")
def check_in_person(registration_id: int) -> ResponseReturnValue:
    user = current_account()
    meeting = check_in_desk.desk_meeting(user, as_id(request.form.get("meeting")))
    result = None
    if meeting is not None and ConfirmForm().validate_on_submit():
        outcome = perform(lambda: check_in_desk.check_in_person(user, meeting, registration_id))
        result = outcome.value
    return _desk(meeting, CheckInForm(formdata=None), result)


@bp.get("/check-in/count")
def check_in_count() -> ResponseReturnValue:
    """How many have come, for the desk's live count (the page refreshes it)."""
    user = current_account()
    meeting = check_in_desk.desk_meeting(user, as_id(request.args.get("meeting")))
    if meeting is None:
        return {"checked_in": 0, "accredited": 0}
    counted = check_in_desk.count(user, meeting)
    return {"checked_in": counted.checked_in, "accredited": counted.accredited}


def _desk(
    meeting: Meeting | None, form: CheckInForm, result: badges.CheckIn | None
) -> ResponseReturnValue:
    user = current_account()
    search = request.values.get("q", "")[:100]
    return render_template(
        "registration/manage/check_in.html",
        form=form,
        result=result,
        meeting=meeting,
        meetings=check_in_desk.desk_meetings(user),
        search=search,
        found=check_in_desk.find(user, meeting, search) if meeting and search else [],
        counted=check_in_desk.count(user, meeting) if meeting else None,
        confirm=ConfirmForm(),
    ), status_for(form)
