"""Administrators: accounts and their roles."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from meetings.auth import services
from meetings.auth.current import current_account
from meetings.auth.forms import GrantRoleForm
from meetings.auth.guards import guard
from meetings.auth.models import Role, User
from meetings.auth.permissions import Permission
from meetings.forms import ConfirmForm, act, options, parse_choice, status_for, submit_form
from meetings.pagination import requested_page
from meetings.reference import services as reference

bp = Blueprint("auth_manage", __name__, url_prefix="/admin")
guard(bp, Permission.MANAGE_USERS)


def _grant_form() -> GrantRoleForm:
    form = GrantRoleForm()
    form.state_id.choices = options(((s.id, s.name) for s in reference.states_by_name()), blank="—")
    form.organisation_id.choices = options(
        ((o.id, str(o)) for o in reference.organisations()), blank="—"
    )
    return form


@bp.get("/users")
def index() -> ResponseReturnValue:
    search = request.args.get("q", "")
    page = services.list_users(current_account(), search=search, page=requested_page())
    return render_template("auth/manage/users.html", page=page, search=search)


def _detail_page(user: User, form: GrantRoleForm) -> ResponseReturnValue:
    return render_template(
        "auth/manage/user.html", user=user, form=form, confirm=ConfirmForm()
    ), status_for(form)


@bp.get("/users/<int:user_id>")
def detail(user_id: int) -> ResponseReturnValue:
    return _detail_page(services.user_for_admin(current_account(), user_id), _grant_form())


@bp.post("/users/<int:user_id>/roles")
def grant_role(user_id: int) -> ResponseReturnValue:
    actor = current_account()
    user = services.user_for_admin(actor, user_id)
    form = _grant_form()

    def grant() -> None:
        scope = services.RoleScope(
            state=reference.state_by_id(int(form.state_id.data)) if form.state_id.data else None,
            organisation=reference.organisation_by_id(int(form.organisation_id.data))
            if form.organisation_id.data
            else None,
        )
        services.grant_role(actor, user, Role(form.role.data), scope)

    done = submit_form(
        form, grant, success=_("Role granted."), then=url_for(".detail", user_id=user.id)
    )
    return done or _detail_page(user, form)


@bp.post("/users/<int:user_id>/roles/<role>/revoke")
def revoke_role(user_id: int, role: str) -> ResponseReturnValue:
    actor = current_account()
    user = services.user_for_admin(actor, user_id)
    return act(
        lambda: services.revoke_role(
            actor, user, parse_choice(Role, role, _("There is no such role."))
        ),
        success=_("Role removed."),
        back=url_for(".detail", user_id=user.id),
    )


@bp.post("/users/<int:user_id>/active")
def set_active(user_id: int) -> ResponseReturnValue:
    actor = current_account()
    user = services.user_for_admin(actor, user_id)
    active = request.form.get("active") == "1"
    return act(
        lambda: services.set_active(actor, user, active),
        success=_("Account activated.") if active else _("Account deactivated."),
        back=url_for(".detail", user_id=user.id),
    )
