"""Focal points: their delegations, the nomination, members, invitations, the head. The
secretariat sees the same delegation page (and records credentials there)."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from meetings.auth.current import current_account
from meetings.auth.guards import guard
from meetings.documents.services import send_document, upload_from
from meetings.forms import act, parse_choice, perform, status_for, submit_form
from meetings.registration import (
    access,
    delegations,
    invitations,
    queries,
    services,
    todo,
    workflow,
)
from meetings.registration.forms import (
    CredentialsForm,
    DecisionForm,
    InviteForm,
    MemberForm,
    NominationForm,
)
from meetings.registration.models import CredentialsStatus, DelegationRole
from meetings.schedule.models import MeetingState
from meetings.schedule.services import public_meetings, visible_meeting
from meetings.security import as_id

bp = Blueprint("registration_focal", __name__)
guard(bp)


@bp.get("/delegations")
def index() -> ResponseReturnValue:
    user = current_account()
    return render_template(
        "registration/focal/delegations.html",
        delegations=delegations.delegations_of(user),
        # A delegation is opened for a meeting still to come, never for one concluded.
        meetings=[m for m in public_meetings() if m.state is not MeetingState.CONCLUDED],
        assignment=user.focal_point_assignment,
    )


@bp.post("/meetings/<code>/delegation")
def open_delegation(code: str) -> ResponseReturnValue:
    user = current_account()
    meeting = visible_meeting(user, code)
    outcome = perform(lambda: services.focal_point_delegation(user, meeting))
    if outcome.value is None:
        return redirect(url_for(".index"))
    return redirect(url_for(".detail", delegation_id=outcome.value.id))


def _page(delegation_id: int, **forms: object) -> ResponseReturnValue:
    user = current_account()
    delegation = access.delegation_for(user, delegation_id)
    members = queries.delegation_members(delegation)
    forms.setdefault("nomination", NominationForm(formdata=None, obj=None))
    forms.setdefault("member", MemberForm(formdata=None))
    forms.setdefault("invite", InviteForm(formdata=None))
    return render_template(
        "registration/focal/delegation.html",
        delegation=delegation,
        meeting=delegation.meeting,
        members=members,
        is_focal_point=access.is_focal_point_of(user, delegation),
        todo=todo.todo_for(user, delegation),
        is_secretariat=access.is_secretariat(user),
        targets={m.id: workflow.allowed_targets(user, m) for m in members},
        needs_reason=workflow.NEEDS_REASON,
        head_candidates=delegations.head_candidates(user, delegation, members),
        credential_targets=delegations.CREDENTIALS_WORKFLOW.targets(user, delegation),
        decision=DecisionForm(formdata=None),
        credentials_form=CredentialsForm(formdata=None),
        **forms,
    ), status_for(*forms.values())


@bp.get("/delegations/<int:delegation_id>")
def detail(delegation_id: int) -> ResponseReturnValue:
    return _page(delegation_id)


@bp.post("/delegations/<int:delegation_id>/nomination")
def nomination(delegation_id: int) -> ResponseReturnValue:
    user = current_account()
    delegation = access.delegation_for(user, delegation_id)
    form = NominationForm()
    done = submit_form(
        form,
        lambda: delegations.set_nomination(
            user,
            delegation,
            reference=form.reference.data or "",
            issued_on=form.issued_on.data,
            upload=upload_from(form.file.data, field="file"),
        ),
        success=_("The nomination has been recorded."),
        then=url_for(".detail", delegation_id=delegation_id),
    )
    return done or _page(delegation_id, nomination=form)


@bp.get("/delegations/<int:delegation_id>/nomination")
def nomination_document(delegation_id: int) -> ResponseReturnValue:
    delegation = access.delegation_for(current_account(), delegation_id)
    return send_document(
        delegation.nomination_document, missing=_("No nomination document has been uploaded.")
    )


@bp.post("/delegations/<int:delegation_id>/members")
def add_member(delegation_id: int) -> ResponseReturnValue:
    user = current_account()
    delegation = access.delegation_for(user, delegation_id)
    form = MemberForm()
    done = submit_form(
        form,
        lambda: services.add_member(user, delegation, form.participant()),
        success=_("Member added and approved; the secretariat accredits next."),
        then=url_for(".detail", delegation_id=delegation_id),
    )
    return done or _page(delegation_id, member=form)


@bp.post("/delegations/<int:delegation_id>/invitations")
def invite(delegation_id: int) -> ResponseReturnValue:
    user = current_account()
    delegation = access.delegation_for(user, delegation_id)
    form = InviteForm()
    done = submit_form(
        form,
        lambda: invitations.invite(
            user, delegation, email=form.email.data or "", role=DelegationRole(form.role.data)
        ),
        success=lambda registration: _("Invitation sent to %(email)s.", email=registration.email),
        then=url_for(".detail", delegation_id=delegation_id),
    )
    return done or _page(delegation_id, invite=form)


@bp.post("/delegations/<int:delegation_id>/head")
def head(delegation_id: int) -> ResponseReturnValue:
    user = current_account()
    delegation = access.delegation_for(user, delegation_id)
    chosen = request.form.get("registration_id", "")
    back = url_for(".detail", delegation_id=delegation_id)
    if request.form.get("confirmed") != "1":
        # Naming a head replaces the one there is: one more page says who, before it happens.
        candidate = access.registration_for(user, as_id(chosen) or 0)
        return render_template(
            "registration/focal/confirm_head.html",
            delegation=delegation,
            candidate=candidate,
            current=delegations.current_head(delegation),
            back=back,
        )

    def name_head() -> str:
        registration = access.registration_for(user, as_id(chosen) or 0)
        delegations.name_head(user, delegation, registration)
        return registration.full_name

    return act(
        name_head,
        success=lambda name: _(
            "%(name)s now heads the delegation. Everyone concerned is told by e-mail.", name=name
        ),
        back=back,
    )


@bp.post("/delegations/<int:delegation_id>/credentials")
def credentials(delegation_id: int) -> ResponseReturnValue:
    user = current_account()
    delegation = access.delegation_for(user, delegation_id)
    form = CredentialsForm()
    return act(
        lambda: delegations.set_credentials(
            user,
            delegation,
            parse_choice(CredentialsStatus, form.status.data, _("Choose a status.")),
        ),
        success=_("Credentials recorded."),
        back=url_for(".detail", delegation_id=delegation_id),
        form=form,
    )
