"""Delegates: register for a meeting, follow their registration, accept an invitation, badge."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from meetings import clock
from meetings.auth.current import current_account
from meetings.errors import DomainError, NotFound
from meetings.extensions import db
from meetings.forms import attach_error, options, safe_next
from meetings.reference import services as reference
from meetings.registration import access, badges, invitations, rules, services, workflow
from meetings.registration.forms import DecisionForm, DraftForm, InvitationForm, RegistrationForm
from meetings.registration.labels import ACTION_LABELS, STATUS_LABELS
from meetings.registration.models import RegistrationStatus
from meetings.schedule.services import visible_meeting
from meetings.uploads import Upload, read_upload, send

bp = Blueprint("registration", __name__)

Page = str | tuple[str, int] | Response


def fill_affiliation_choices(form: object) -> None:
    form.state_id.choices = options(  # type: ignore[attr-defined]
        ((s.id, s.name) for s in reference.states()), blank="—"
    )
    form.organisation_id.choices = options(  # type: ignore[attr-defined]
        ((o.id, str(o)) for o in reference.organisations()), blank="—"
    )


def letter_from(form: RegistrationForm | DraftForm) -> Upload | None:
    """The uploaded nomination letter, checked; None when no file was chosen."""
    storage = form.nomination_letter.data
    if storage is None or not getattr(storage, "filename", ""):
        return None
    return read_upload(storage.stream, storage.filename, field="nomination_letter")


def status_for(form: object, error: DomainError | None = None) -> int:
    if error is not None and error.status_code == 413:
        return 413
    return 422 if getattr(form, "errors", None) else 200


@bp.route("/meetings/<code>/register", methods=["GET", "POST"])
@login_required
def register(code: str) -> Page:
    user = current_account()
    meeting = visible_meeting(user, code)
    form = RegistrationForm()
    fill_affiliation_choices(form)
    if request.method == "GET":
        form.email.data = user.email
    error: DomainError | None = None
    if form.validate_on_submit():
        try:
            registration = services.register(
                user,
                meeting,
                form.affiliation(),
                form.participant(),
                letter=letter_from(form),
                submit="submit" in request.form,
            )
            db.session.commit()
        except DomainError as caught:
            db.session.rollback()
            error = caught
            attach_error(form, caught)
        else:
            flash(
                _("Your registration has been submitted.")
                if registration.status is RegistrationStatus.SUBMITTED
                else _("Your draft has been saved."),
                "success",
            )
            return redirect(url_for("registration.detail", registration_id=registration.id))
    return render_template(
        "registration/register.html",
        form=form,
        meeting=meeting,
        window_open=rules.window_is_open(meeting, clock.now()),
        window_message=rules.window_message(meeting, clock.now()),
    ), status_for(form, error)


@bp.get("/registrations/<int:registration_id>")
@login_required
def detail(registration_id: int) -> str:
    user = current_account()
    registration = access.registration_for(user, registration_id)
    return render_template(
        "registration/detail.html",
        registration=registration,
        delegation=registration.delegation,
        meeting=registration.meeting,
        targets=workflow.allowed_targets(user, registration),
        actions=ACTION_LABELS,
        statuses=STATUS_LABELS,
        decision=DecisionForm(formdata=None),
    )


@bp.route("/registrations/<int:registration_id>/edit", methods=["GET", "POST"])
@login_required
def edit(registration_id: int) -> Page:
    user = current_account()
    registration = access.registration_for(user, registration_id)
    meeting = registration.meeting
    form = DraftForm(obj=registration if request.method == "GET" else None)
    if request.method == "GET":
        form.role.data = registration.role.value
        form.gender.data = registration.gender.value if registration.gender else None
        form.based_in.data = registration.based_in.value if registration.based_in else ""
    error: DomainError | None = None
    if form.validate_on_submit():
        try:
            services.update_draft(
                user,
                registration,
                form.participant(),
                letter=letter_from(form),
                submit="submit" in request.form,
            )
            db.session.commit()
        except DomainError as caught:
            db.session.rollback()
            error = caught
            attach_error(form, caught)
        else:
            flash(_("Your registration has been saved."), "success")
            return redirect(url_for("registration.detail", registration_id=registration_id))
    return render_template(
        "registration/edit.html", form=form, meeting=meeting, registration=registration
    ), status_for(form, error)


@bp.post("/registrations/<int:registration_id>/status")
@login_required
def change_status(registration_id: int) -> Page:
    """Every move of the workflow goes through here; the workflow table decides who may."""
    user = current_account()
    registration = access.registration_for(user, registration_id)
    form = DecisionForm()
    back = request.form.get("next") or url_for(
        "registration.detail", registration_id=registration_id
    )
    if form.validate_on_submit():
        try:
            workflow.transition(
                user,
                registration,
                RegistrationStatus(form.target.data),
                reason=form.reason.data or "",
            )
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            flash(
                _(
                    "The registration is now %(status)s.",
                    status=STATUS_LABELS[RegistrationStatus(form.target.data)],
                ),
                "success",
            )
    else:
        flash(_("Choose what to do with the registration."), "error")
    return redirect(
        safe_next(back) or url_for("registration.detail", registration_id=registration_id)
    )


@bp.get("/registrations/<int:registration_id>/letter")
@login_required
def letter(registration_id: int) -> Response:
    registration = access.registration_for(current_account(), registration_id)
    return send(
        registration.nomination_letter, missing=_("This registration has no nomination letter.")
    )


@bp.get("/registrations/<int:registration_id>/badge")
@login_required
def badge(registration_id: int) -> str:
    registration = access.registration_for(current_account(), registration_id)
    if registration.status is not RegistrationStatus.ACCREDITED:
        raise NotFound(_("A badge is issued once the registration is accredited."))
    token = badges.check_in_token(registration)
    return render_template(
        "registration/badge.html",
        registration=registration,
        meeting=registration.meeting,
        delegation=registration.delegation,
        token=token,
        qr=badges.qr_svg(token),
    )


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@login_required
def accept_invitation(token: str) -> Page:
    user = current_account()
    try:
        invited = invitations.invitation(token)
    except DomainError as error:
        return render_template("registration/invitation_invalid.html", reason=error.message), 400
    form = InvitationForm()
    if request.method == "GET":
        form.email.data = invited.email
        form.role.data = invited.role.value
    if form.validate_on_submit():
        try:
            registration = invitations.accept_invitation(user, token, form.participant())
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            flash(_("Your registration has been submitted to your focal point."), "success")
            return redirect(url_for("registration.detail", registration_id=registration.id))
    return render_template(
        "registration/invitation.html", form=form, invited=invited, delegation=invited.delegation
    ), status_for(form)
