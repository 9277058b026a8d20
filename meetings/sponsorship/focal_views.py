"""Focal points: the calls open to their State, their applications, the offer and its answer."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from meetings import clock
from meetings.auth.current import current_account
from meetings.auth.guards import guard
from meetings.auth.permissions import Permission
from meetings.documents import pending
from meetings.documents.services import Document, Upload, send_document
from meetings.errors import NotFound
from meetings.forms import act, parse_choice, perform, safe_next, status_for, submit_form
from meetings.labels import label
from meetings.sponsorship import applications, calls, offers, queries, reviews
from meetings.sponsorship.forms import (
    ApplicationForm,
    DecisionForm,
    application_data,
    fill_application_form,
)
from meetings.sponsorship.models import Application, ApplicationStatus, SponsorshipCall

bp = Blueprint("sponsorship_focal", __name__, url_prefix="/sponsorship")
guard(bp, Permission.MANAGE_DELEGATION)


@bp.get("")
def index() -> ResponseReturnValue:
    actor = current_account()
    assignment = actor.focal_point_assignment
    has_state = bool(assignment and assignment.state_id)
    mine = applications.of_state(actor) if has_state else []
    now = clock.now()
    open_calls = [c for c in calls.calls() if calls.is_open(c, now)]
    return render_template(
        "sponsorship/focal/index.html",
        calls=(
            applications.open_calls_for_state(actor, open_calls)
            if has_state
            else [applications.CallForState(c, [], list(c.meetings)) for c in open_calls]
        ),
        applications=mine,
        state=assignment.state if assignment else None,
    )


def _form_page(
    call: SponsorshipCall, form: ApplicationForm, application: Application | None
) -> ResponseReturnValue:
    return render_template(
        "sponsorship/focal/application_form.html",
        call=call,
        form=form,
        application=application,
        kept=_keep_files(form) if request.method == "POST" else {},
    ), status_for(form)


def _documents(form: ApplicationForm) -> dict[str, Upload | Document]:
    """The files attached now, and those kept from an attempt that failed."""
    actor = current_account()
    found: dict[str, Upload | Document] = dict(form.uploads)
    for name in applications.DOCUMENTS:
        if name not in found:
            kept = pending.kept_document(actor, name, getattr(form, f"kept_{name}").data)
            if kept is not None:
                found[name] = kept
    return found


def _keep_files(form: ApplicationForm) -> dict[str, str]:
    """After a failed attempt: keep the files attached to it (committed on their own, since the
    attempt was rolled back) and carry their tokens in the form; the names of every kept file,
    for the page to say so beside each field."""
    actor = current_account()
    names: dict[str, str] = {}
    outcome = perform(lambda: pending.keep(actor, form.uploads))
    for name, kept in (outcome.value or {}).items():
        getattr(form, f"kept_{name}").data = kept.token
        names[name] = kept.original_name
    for name in applications.DOCUMENTS:
        if name not in names:
            document = pending.kept_document(actor, name, getattr(form, f"kept_{name}").data)
            if document is not None:
                names[name] = document.original_name
            else:
                getattr(form, f"kept_{name}").data = ""
    return names


@bp.route("/calls/<int:call_id>/apply", methods=["GET", "POST"])
def apply(call_id: int) -> ResponseReturnValue:
    actor = current_account()
    call = calls.get_call(call_id)
    assignment = actor.focal_point_assignment
    if request.method == "GET" and assignment and assignment.state_id:
        standing = applications.open_calls_for_state(actor, [call])[0]
        if not standing.has_room and standing.applied:
            flash(
                _(
                    "Your State has already applied for every meeting of this call: here is its "
                    "application."
                ),
                "info",
            )
            return redirect(url_for(".application", application_id=standing.applied[0].id))
    form = ApplicationForm()
    fill_application_form(form, actor, call)
    done = submit_form(
        form,
        lambda: applications.start(
            actor,
            call,
            application_data(form),
            _documents(form),
            submit="submit" in request.form,
        ),
        success=lambda a: (
            _("Your application has been submitted.")
            if a.status is ApplicationStatus.SUBMITTED
            else _("Your draft has been saved.")
        ),
        then=lambda a: url_for(".application", application_id=a.id),
    )
    return done or _form_page(call, form, None)


@bp.route("/applications/<int:application_id>/edit", methods=["GET", "POST"])
def edit(application_id: int) -> ResponseReturnValue:
    actor = current_account()
    found = applications.own_application_for(actor, application_id)
    if not applications.can_edit(actor, found):
        flash(_("Only a draft, or an application sent back for more, can change."), "error")
        return redirect(url_for(".application", application_id=application_id))
    form = ApplicationForm(obj=found if request.method == "GET" else None)
    fill_application_form(form, actor, found.call, found)
    done = submit_form(
        form,
        lambda: applications.update(
            actor, found, application_data(form), _documents(form), submit="submit" in request.form
        ),
        success=_("Your application has been saved."),
        then=url_for(".application", application_id=application_id),
    )
    return done or _form_page(found.call, form, found)


@bp.get("/applications/<int:application_id>")
def application(application_id: int) -> ResponseReturnValue:
    actor = current_account()
    found = applications.get_application(actor, application_id)
    return render_template(
        "sponsorship/focal/application.html",
        application=found,
        status=found.status,
        award=offers.award_of(found),
        reviews=reviews.reviews_for(actor, found),
        targets=applications.targets(actor, found),
        needs_reason=applications.needs_reason,
        nominee=queries.rows([found])[0].nominee,
        can_edit=applications.can_edit(actor, found),
        decision=DecisionForm(formdata=None),
        expired=found.status is ApplicationStatus.OFFERED
        and found.reply_by is not None
        and found.reply_by < clock.now(),
    )


@bp.post("/applications/<int:application_id>/status")
def change_status(application_id: int) -> ResponseReturnValue:
    actor = current_account()
    found = applications.get_application(actor, application_id)
    form = DecisionForm()
    back = safe_next(request.form.get("back")) or url_for(
        ".application", application_id=application_id
    )
    accepting = form.target.data == ApplicationStatus.ACCEPTED.value
    if accepting and request.form.get("confirmed") != "1":
        # Accepting binds the State: one more page says what it means and what happens next.
        return render_template(
            "sponsorship/focal/confirm_accept.html",
            application=found,
            award=offers.award_of(found),
            decision=form,
            back=back,
        )

    def move() -> ApplicationStatus:
        target = parse_choice(ApplicationStatus, form.target.data, _("Choose what to do."))
        applications.move(actor, found, target, reason=form.reason.data or "")
        return target

    return act(
        move,
        success=lambda target: _("The application is now “%(status)s”.", status=label(target)),
        back=back,
        form=form,
    )


@bp.get("/applications/<int:application_id>/documents/<name>")
def document(application_id: int, name: str) -> ResponseReturnValue:
    found = applications.get_application(current_account(), application_id)
    if name not in applications.DOCUMENTS:
        raise NotFound(_("There is no such document."))
    return send_document(getattr(found, name), missing=_("This document was not attached."))
