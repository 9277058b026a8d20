"""Focal points: their delegations, the nomination, members, invitations, the head."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from meetings.auth.current import current_account
from meetings.auth.forms import ConfirmForm
from meetings.errors import DomainError
from meetings.extensions import db
from meetings.forms import attach_error
from meetings.registration import access, delegations, invitations, queries, services, workflow
from meetings.registration.forms import (
    CredentialsForm,
    DecisionForm,
    InviteForm,
    MemberForm,
    NominationForm,
)
from meetings.registration.labels import (
    ACTION_LABELS,
    CREDENTIALS_LABELS,
    ROLE_LABELS,
    STATUS_LABELS,
)
from meetings.registration.models import CredentialsStatus, DelegationRole
from meetings.registration.views import status_for
from meetings.schedule.services import public_meetings, visible_meeting
from meetings.uploads import Upload, read_upload, send

bp = Blueprint("delegations", __name__)

Page = str | tuple[str, int] | Response


@bp.get("/delegations")
@login_required
def index() -> str:
    user = current_account()
    return render_template(
        "registration/delegations.html",
        delegations=delegations.delegations_of(user),
        meetings=public_meetings(),
        assignment=user.focal_point_assignment,
    )


@bp.post("/meetings/<code>/delegation")
@login_required
def open_delegation(code: str) -> Response:
    user = current_account()
    meeting = visible_meeting(user, code)
    delegation = services.focal_point_delegation(user, meeting)
    db.session.commit()
    return redirect(url_for("delegations.detail", delegation_id=delegation.id))


def _page(delegation_id: int, **forms: object) -> tuple[str, int]:
    user = current_account()
    delegation = access.delegation_for(user, delegation_id)
    members = queries.delegation_members(delegation)
    forms.setdefault("nomination", NominationForm(formdata=None, obj=None))
    forms.setdefault("member", MemberForm(formdata=None))
    forms.setdefault("invite", InviteForm(formdata=None))
    status = max((status_for(form) for form in forms.values()), default=200)
    return render_template(
        "registration/delegation.html",
        delegation=delegation,
        meeting=delegation.meeting,
        members=members,
        is_focal_point=access.is_focal_point_of(user, delegation),
        is_secretariat=access.is_secretariat(user),
        targets={m.id: workflow.allowed_targets(user, m) for m in members},
        actions=ACTION_LABELS,
        statuses=STATUS_LABELS,
        roles=ROLE_LABELS,
        credentials=CREDENTIALS_LABELS,
        credential_targets=delegations.CREDENTIALS_TRANSITIONS[delegation.credentials_status],
        decision=DecisionForm(formdata=None),
        credentials_form=CredentialsForm(formdata=None),
        **forms,
    ), status


@bp.get("/delegations/<int:delegation_id>")
@login_required
def detail(delegation_id: int) -> Page:
    return _page(delegation_id)


def _upload(form: NominationForm) -> Upload | None:
    storage = form.file.data
    if storage is None or not getattr(storage, "filename", ""):
        return None
    return read_upload(storage.stream, storage.filename, field="file")


@bp.post("/delegations/<int:delegation_id>/nomination")
@login_required
def nomination(delegation_id: int) -> Page:
    user = current_account()
    delegation = access.delegation_for(user, delegation_id)
    form = NominationForm()
    if form.validate_on_submit():
        try:
            services.set_nomination(
                user,
                delegation,
                reference=form.reference.data or "",
                issued_on=form.issued_on.data,
                upload=_upload(form),
            )
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
            if error.status_code == 413:
                page, _status = _page(delegation_id, nomination=form)
                return page, 413
        else:
            flash(_("The nomination has been recorded."), "success")
            return redirect(url_for("delegations.detail", delegation_id=delegation_id))
    return _page(delegation_id, nomination=form)


@bp.get("/delegations/<int:delegation_id>/nomination")
@login_required
def nomination_document(delegation_id: int) -> Response:
    delegation = access.delegation_for(current_account(), delegation_id)
    return send(
        delegation.nomination_document, missing=_("No nomination document has been uploaded.")
    )


@bp.post("/delegations/<int:delegation_id>/members")
@login_required
def add_member(delegation_id: int) -> Page:
    user = current_account()
    delegation = access.delegation_for(user, delegation_id)
    form = MemberForm()
    if form.validate_on_submit():
        try:
            services.add_member(user, delegation, form.participant())
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            flash(_("Member added and approved; the secretariat accredits next."), "success")
            return redirect(url_for("delegations.detail", delegation_id=delegation_id))
    return _page(delegation_id, member=form)


@bp.post("/delegations/<int:delegation_id>/invitations")
@login_required
def invite(delegation_id: int) -> Page:
    user = current_account()
    delegation = access.delegation_for(user, delegation_id)
    form = InviteForm()
    if form.validate_on_submit():
        try:
            invitations.invite(
                user, delegation, email=form.email.data or "", role=DelegationRole(form.role.data)
            )
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            flash(_("Invitation sent to %(email)s.", email=form.email.data), "success")
            return redirect(url_for("delegations.detail", delegation_id=delegation_id))
    return _page(delegation_id, invite=form)


@bp.post("/delegations/<int:delegation_id>/head")
@login_required
def head(delegation_id: int) -> Response:
    user = current_account()
    delegation = access.delegation_for(user, delegation_id)
    try:
        registration = access.registration_for(user, int(request.form.get("registration_id", 0)))
        if ConfirmForm().validate_on_submit():
            services.name_head(user, delegation, registration)
            db.session.commit()
            flash(_("%(name)s now heads the delegation.", name=registration.full_name), "success")
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    return redirect(url_for("delegations.detail", delegation_id=delegation_id))


@bp.post("/delegations/<int:delegation_id>/credentials")
@login_required
def credentials(delegation_id: int) -> Response:
    user = current_account()
    delegation = access.delegation_for(user, delegation_id)
    form = CredentialsForm()
    if form.validate_on_submit():
        try:
            delegations.set_credentials(user, delegation, CredentialsStatus(form.status.data))
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            flash(_("Credentials recorded."), "success")
    return redirect(url_for("delegations.detail", delegation_id=delegation_id))
