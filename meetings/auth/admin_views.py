"""Administration of accounts and roles, and the audit log."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from meetings.audit.services import list_entries
from meetings.auth import services
from meetings.auth.current import current_account
from meetings.auth.forms import ROLE_LABELS, ConfirmForm, GrantRoleForm
from meetings.auth.models import Role, User
from meetings.errors import DomainError
from meetings.extensions import db
from meetings.forms import attach_error, options
from meetings.reference import services as reference

bp = Blueprint("users", __name__, url_prefix="/admin")


def _page_number() -> int:
    return request.args.get("page", 1, type=int) or 1


def _grant_form() -> GrantRoleForm:
    form = GrantRoleForm()
    form.state_id.choices = options(((s.id, s.name) for s in reference.states()), blank="—")
    form.organisation_id.choices = options(
        ((o.id, str(o)) for o in reference.organisations()), blank="—"
    )
    return form


@bp.get("/users")
@login_required
def index() -> str:
    search = request.args.get("q", "")
    page = services.list_users(current_account(), search=search, page=_page_number())
    return render_template("users/index.html", page=page, search=search, role_labels=ROLE_LABELS)


@bp.get("/users/<int:user_id>")
@login_required
def detail(user_id: int) -> str:
    return _detail_page(services.user_for_admin(current_account(), user_id), _grant_form())[0]


def _detail_page(user: User, form: GrantRoleForm) -> tuple[str, int]:
    return (
        render_template(
            "users/detail.html",
            user=user,
            form=form,
            confirm=ConfirmForm(),
            role_labels=ROLE_LABELS,
        ),
        422 if form.errors else 200,
    )


@bp.post("/users/<int:user_id>/roles")
@login_required
def grant_role(user_id: int) -> Response | tuple[str, int]:
    user = services.user_for_admin(current_account(), user_id)
    form = _grant_form()
    if form.validate_on_submit():
        state = reference.state_by_id(int(form.state_id.data)) if form.state_id.data else None
        organisation = (
            reference.organisation_by_id(int(form.organisation_id.data))
            if form.organisation_id.data
            else None
        )
        try:
            services.grant_role(
                current_account(),
                user,
                Role(form.role.data),
                services.RoleScope(state=state, organisation=organisation),
            )
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            flash(_("Role granted."), "success")
            return redirect(url_for("users.detail", user_id=user.id))
    return _detail_page(user, form)


@bp.post("/users/<int:user_id>/roles/<role>/revoke")
@login_required
def revoke_role(user_id: int, role: str) -> Response:
    form = ConfirmForm()
    user = services.user_for_admin(current_account(), user_id)
    if form.validate_on_submit():
        try:
            services.revoke_role(current_account(), user, Role(role))
            db.session.commit()
        except (DomainError, ValueError) as error:
            db.session.rollback()
            flash(getattr(error, "message", _("There is no such role.")), "error")
        else:
            flash(_("Role removed."), "success")
    return redirect(url_for("users.detail", user_id=user.id))


@bp.post("/users/<int:user_id>/active")
@login_required
def set_active(user_id: int) -> Response:
    form = ConfirmForm()
    user = services.user_for_admin(current_account(), user_id)
    if form.validate_on_submit():
        active = request.form.get("active") == "1"
        try:
            services.set_active(current_account(), user, active)
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            flash(_("Account activated.") if active else _("Account deactivated."), "success")
    return redirect(url_for("users.detail", user_id=user.id))


@bp.get("/audit")
@login_required
def audit_log() -> str:
    page = list_entries(current_account(), page=_page_number())
    return render_template("users/audit_log.html", page=page)
