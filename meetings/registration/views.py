"""Delegates: register for a meeting, follow their registration, accept an invitation, badge;
and the public list of participants."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required

from meetings import clock
from meetings.auth.current import current_account
from meetings.documents.services import Upload, send_document, upload_from
from meetings.errors import DomainError, NotFound
from meetings.exports import csv_response
from meetings.forms import ConfirmForm, act, parse_choice, safe_next, status_for, submit_form
from meetings.labels import label
from meetings.registration import (
    access,
    badges,
    csv_exports,
    invitations,
    queries,
    rules,
    services,
    workflow,
)
from meetings.registration.forms import (
    DecisionForm,
    DraftForm,
    InvitationForm,
    PhotoForm,
    RegistrationForm,
    fill_affiliation_choices,
)
from meetings.registration.models import RegistrationStatus
from meetings.schedule.services import visible_meeting

bp = Blueprint("registration", __name__)


@bp.route("/meetings/<code>/register", methods=["GET", "POST"])
@login_required
def register(code: str) -> ResponseReturnValue:
    """The registration form, or, before it, what stands in the way: a registration of one's
    own already (a link to it; a withdrawn one may be reopened), or registration closed."""
    user = current_account()
    meeting = visible_meeting(user, code)
    existing = services.own_registration(user, meeting)
    window_open = rules.window_is_open(meeting, clock.now())
    page = {
        "meeting": meeting,
        "existing": existing,
        "window_open": window_open,
        "window_message": rules.window_message(meeting, clock.now()),
        "confirm": ConfirmForm(),
    }
    if existing is not None or not window_open:
        return render_template("registration/register.html", form=None, **page)
    form = RegistrationForm()
    fill_affiliation_choices(form)
    form.email.data = user.email  # one's own address, whatever was posted
    done = submit_form(
        form,
        lambda: services.register(
            user,
            meeting,
            form.affiliation(),
            form.participant(),
            letter=upload_from(form.nomination_letter.data, field="nomination_letter"),
            submit="submit" in request.form,
            photo=upload_from(form.photo.data, field="photo"),
        ),
        success=lambda registration: (
            _("Your registration has been submitted.")
            if registration.status is RegistrationStatus.SUBMITTED
            else _("Your draft has been saved.")
        ),
        then=lambda registration: url_for(".detail", registration_id=registration.id),
    )
    return done or (
        render_template("registration/register.html", form=form, **page),
        status_for(form),
    )


@bp.get("/registrations/<int:registration_id>")
@login_required
def detail(registration_id: int) -> ResponseReturnValue:
    user = current_account()
    registration = access.registration_for(user, registration_id)
    return render_template(
        "registration/detail.html",
        registration=registration,
        delegation=registration.delegation,
        meeting=registration.meeting,
        targets=workflow.allowed_targets(user, registration),
        needs_reason=workflow.NEEDS_REASON,
        can_edit=services.can_edit(user, registration),
        decision=DecisionForm(formdata=None),
        has_focal_point=access.has_focal_point(registration.delegation, besides=user.id),
        can_change_photo=badges.can_change_photo(user, registration),
        photo_form=PhotoForm(formdata=None),
        window_open=rules.window_is_open(registration.meeting, clock.now()),
    )


@bp.route("/registrations/<int:registration_id>/edit", methods=["GET", "POST"])
@login_required
def edit(registration_id: int) -> ResponseReturnValue:
    user = current_account()
    registration = services.own_registration_for(user, registration_id)
    if not services.can_edit(user, registration):
        flash(services.not_editable_message(), "error")
        return redirect(url_for(".detail", registration_id=registration_id))
    meeting = registration.meeting
    form = DraftForm(obj=registration if request.method == "GET" else None)
    if request.method == "GET":
        form.role.data = registration.role.value
        form.gender.data = registration.gender.value if registration.gender else None
        form.based_in.data = registration.based_in.value if registration.based_in else ""
    done = submit_form(
        form,
        lambda: services.update_draft(
            user,
            registration,
            form.participant(),
            letter=upload_from(form.nomination_letter.data, field="nomination_letter"),
            submit="submit" in request.form,
            photo=upload_from(form.photo.data, field="photo"),
        ),
        success=_("Your registration has been saved."),
        then=url_for(".detail", registration_id=registration_id),
    )
    return done or (
        render_template(
            "registration/edit.html", form=form, meeting=meeting, registration=registration
        ),
        status_for(form),
    )


@bp.post("/registrations/<int:registration_id>/status")
@login_required
def change_status(registration_id: int) -> ResponseReturnValue:
    """Every move of the workflow goes through here; the workflow table decides who may."""
    user = current_account()
    registration = access.registration_for(user, registration_id)
    form = DecisionForm()
    back = safe_next(request.form.get("next")) or url_for(
        ".detail", registration_id=registration_id
    )

    withdrawing = form.target.data == RegistrationStatus.WITHDRAWN.value
    if withdrawing and request.form.get("confirmed") != "1":
        # Withdrawing ends the registration: one more page says so before it happens.
        return render_template(
            "registration/confirm_withdraw.html",
            registration=registration,
            meeting=registration.meeting,
            decision=form,
            back=back,
        )

    def move() -> RegistrationStatus:
        target = parse_choice(
            RegistrationStatus, form.target.data, _("Choose what to do with the registration.")
        )
        workflow.transition(user, registration, target, reason=form.reason.data or "")
        return target

    return act(
        move,
        success=lambda target: (
            _(
                "Your registration is open again, as a draft: check your details and submit it. "
                "Until you submit it, nobody considers it."
            )
            if target is RegistrationStatus.DRAFT
            else _("The registration is now %(status)s.", status=label(target))
        ),
        back=back,
        form=form,
        invalid=_("Choose what to do with the registration."),
    )


@bp.get("/registrations/<int:registration_id>/letter")
@login_required
def letter(registration_id: int) -> ResponseReturnValue:
    registration = access.registration_for(current_account(), registration_id)
    return send_document(
        registration.nomination_letter, missing=_("This registration has no nomination letter.")
    )


@bp.get("/registrations/<int:registration_id>/badge")
@login_required
def badge(registration_id: int) -> ResponseReturnValue:
    """The grounds pass: printable with its check-in code for the secretariat; a preview marked
    "not valid", without the code, for the participant and their focal point."""
    user = current_account()
    registration = access.registration_for(user, registration_id)
    if registration.status is not RegistrationStatus.ACCREDITED:
        raise NotFound(_("A badge is issued once the registration is accredited."))
    printable = badges.may_print(user)
    token = badges.check_in_token(registration) if printable else None
    return render_template(
        "registration/badge.html",
        registration=registration,
        meeting=registration.meeting,
        delegation=registration.delegation,
        printable=printable,
        code=(
            badges.display_code(registration.badge_code)
            if printable and registration.badge_code
            else None
        ),
        qr=badges.qr_svg(token) if token else None,
    )


@bp.get("/registrations/<int:registration_id>/photo")
@login_required
def photo(registration_id: int) -> ResponseReturnValue:
    registration = access.registration_for(current_account(), registration_id)
    return send_document(
        registration.photo, missing=_("This registration has no photo yet."), inline=True
    )


@bp.post("/registrations/<int:registration_id>/photo")
@login_required
def replace_photo(registration_id: int) -> ResponseReturnValue:
    user = current_account()
    registration = access.registration_for(user, registration_id)
    form = PhotoForm()
    return act(
        lambda: badges.set_photo(
            user, registration, upload_from(form.photo.data, field="photo") or _no_photo()
        ),
        success=_("The photo has been saved."),
        back=url_for(".detail", registration_id=registration_id),
        form=form,
    )


def _no_photo() -> Upload:
    raise DomainError(_("Choose a photo to upload."), field="photo")


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@login_required
def accept_invitation(token: str) -> ResponseReturnValue:
    user = current_account()
    try:
        invited = invitations.invitation(token)
    except DomainError as error:  # a bad or used link gets its own page, not a form error
        return render_template("registration/invitation_invalid.html", reason=error.message), 400
    form = InvitationForm()
    if request.method == "GET":
        form.email.data = invited.email
        form.role.data = invited.role.value
    done = submit_form(
        form,
        lambda: invitations.accept_invitation(user, token, form.participant()),
        success=_("Your registration has been submitted to your focal point."),
        then=lambda registration: url_for(".detail", registration_id=registration.id),
    )
    return done or (
        render_template(
            "registration/invitation.html",
            form=form,
            invited=invited,
            delegation=invited.delegation,
        ),
        status_for(form),
    )


# --- public --------------------------------------------------------------------------------------


@bp.get("/meetings/<code>/participants")
def participants(code: str) -> ResponseReturnValue:
    meeting = visible_meeting(None, code)
    if request.args.get("format") == "csv":
        return csv_response(
            csv_exports.export_participants(meeting), f"{meeting.code.lower()}-participants.csv"
        )
    return render_template(
        "registration/participants.html",
        meeting=meeting,
        groups=queries.list_of_participants(meeting),
    )
