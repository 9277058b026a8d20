"""A State's focal point: its reports for each cycle (drafted section by section, checked,
submitted, corrected), its national points of contact, and the interest donors showed in its
needs."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from meetings import clock
from meetings.auth.current import current_account
from meetings.auth.guards import guard
from meetings.auth.permissions import Permission
from meetings.documents.services import Upload, upload_from
from meetings.errors import DomainError
from meetings.forms import ConfirmForm, act, perform
from meetings.reporting import answers as answer_rules
from meetings.reporting import assistance, contacts, cycles, reports
from meetings.reporting.models import ContactRole, NationalReport, ReportingCycle
from meetings.reporting.presenting import answered_in, field_values, rows_for, section_summaries

bp = Blueprint("reporting_focal", __name__, url_prefix="/reports/mine")
guard(bp, Permission.MANAGE_DELEGATION)


def _cycle_of(report: NationalReport) -> ReportingCycle:
    return cycles.cycle_by_id(report.cycle_id)


@bp.get("")
def index() -> ResponseReturnValue:
    actor = current_account()
    state_id = reports.state_of(actor)
    now = clock.now()
    standing = reports.current_by_cycle(state_id)
    rows = [
        {
            "cycle": cycle,
            "open": cycles.is_open(cycle, now),
            "closes_at": cycles.closes_at(cycle),
            "report": standing.get(cycle.id),
        }
        for cycle in cycles.cycles()
    ]
    return render_template(
        "reporting/focal/index.html",
        rows=rows,
        state=actor.focal_point_assignment.state if actor.focal_point_assignment else None,
        interests=assistance.interests_in_my_needs(actor, state_id),
        confirm=ConfirmForm(),
    )


@bp.post("/cycles/<int:cycle_id>/start")
def start(cycle_id: int) -> ResponseReturnValue:
    actor = current_account()
    cycle = cycles.cycle_by_id(cycle_id)
    nothing_new = request.form.get("nothing_new") == "1"
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    outcome = perform(lambda: reports.start(actor, cycle, nothing_new=nothing_new))
    if not outcome:
        return redirect(url_for(".index"))
    assert outcome.value is not None
    return redirect(url_for(".report", report_id=outcome.value.id))


@bp.get("/<int:report_id>")
def report(report_id: int) -> ResponseReturnValue:
    actor = current_account()
    found = reports.own_report(actor, report_id)
    cycle = _cycle_of(found)
    definition = cycles.form_of(cycle)
    missing = set(answer_rules.missing(definition, found.answers))
    return render_template(
        "reporting/focal/report.html",
        report=found,
        cycle=cycle,
        sections=section_summaries(definition, found.answers, missing),
        missing=missing,
        versions=reports.versions(found.cycle_id, found.state_id),
        closes_at=cycles.closes_at(cycle),
        confirm=ConfirmForm(),
        documents=reports.attachments(found),
        upload_error=None,
    )


@bp.route("/<int:report_id>/sections/<section_id>", methods=["GET", "POST"])
def section(report_id: int, section_id: str) -> ResponseReturnValue:
    actor = current_account()
    found = reports.own_report(actor, report_id)
    cycle = _cycle_of(found)
    definition = cycles.form_of(cycle)
    chosen = definition.section(section_id)
    if chosen is None:
        abort(404)
    problems: dict[str, str] = {}
    values = field_values(definition, section_id, found.answers)
    if request.method == "POST":
        values = dict(request.form)
        try:
            answer_rules.read_section(definition, section_id, request.form)
        except answer_rules.AnswerErrors as error:
            problems = error.problems
        else:
            outcome = perform(lambda: reports.save_section(actor, found, section_id, request.form))
            if outcome:
                following = _next_section(definition, section_id)
                if request.form.get("then") == "next" and following:
                    return redirect(url_for(".section", report_id=found.id, section_id=following))
                return redirect(url_for(".report", report_id=found.id))
    return render_template(
        "reporting/focal/section.html",
        report=found,
        cycle=cycle,
        section=chosen,
        questions=list(definition.questions_of(section_id)),
        areas=definition.areas(),
        values=values,
        problems=problems,
        answered=answered_in(definition, section_id, found.answers),
        following=_next_section(definition, section_id),
        rows_for=rows_for,
    ), (422 if problems else 200)


def _next_section(definition: Any, section_id: str) -> str | None:
    names = [s["id"] for s in definition.sections]
    position = names.index(section_id)
    return names[position + 1] if position + 1 < len(names) else None


@bp.post("/<int:report_id>/documents")
def attach(report_id: int) -> ResponseReturnValue:
    actor = current_account()
    found = reports.own_report(actor, report_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    outcome = perform(
        lambda: reports.attach(
            actor, found, _required(upload_from(request.files.get("file"), field="file"))
        )
    )
    return redirect(url_for(".report", report_id=found.id) + ("" if outcome else "#documents"))


def _required(upload: Upload | None) -> Upload:
    if upload is None:
        raise DomainError(_("Choose a file to attach."), field="file")
    return upload


@bp.post("/<int:report_id>/documents/<int:attachment_id>/remove")
def detach(report_id: int, attachment_id: int) -> ResponseReturnValue:
    actor = current_account()
    found = reports.own_report(actor, report_id)
    return act(
        lambda: reports.detach(actor, found, attachment_id),
        success=_("The document is removed from the report."),
        back=url_for(".report", report_id=found.id),
    )


@bp.post("/<int:report_id>/choices")
def choices(report_id: int) -> ResponseReturnValue:
    actor = current_account()
    found = reports.own_report(actor, report_id)
    public = request.form.get("public") == "1"
    to_directory = request.form.get("contacts_to_directory") == "1"
    return act(
        lambda: reports.set_choices(
            actor, found, public=public, contacts_to_directory=to_directory
        ),
        success=_("Your choices are saved."),
        back=url_for(".report", report_id=found.id),
    )


@bp.post("/<int:report_id>/submit")
def submit(report_id: int) -> ResponseReturnValue:
    actor = current_account()
    found = reports.own_report(actor, report_id)
    return act(
        lambda: reports.submit(actor, found),
        success=_("The report is submitted. Thank you."),
        back=url_for(".report", report_id=found.id),
    )


@bp.get("/contacts")
def contacts_page() -> ResponseReturnValue:
    actor = current_account()
    state_id = reports.state_of(actor)
    kept = {c.role: c for c in contacts.directory(actor, state_id=state_id)}
    return render_template(
        "reporting/focal/contacts.html",
        kept=kept,
        roles=list(ContactRole),
        problems={},
        values={},
        confirm=ConfirmForm(),
    )


@bp.post("/contacts/<role>")
def save_contact(role: str) -> ResponseReturnValue:
    actor = current_account()
    state_id = reports.state_of(actor)
    try:
        chosen = ContactRole(role)
    except ValueError:
        abort(404)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    data = contacts.ContactData(
        **{field: request.form.get(field, "") for field in answer_rules.CONTACT_FIELDS},
        public=request.form.get("public") == "1",
    )
    outcome = perform(lambda: contacts.save(actor, state_id, chosen, data), form=form)
    if outcome:
        return redirect(url_for(".contacts_page"))
    kept = {c.role: c for c in contacts.directory(actor, state_id=state_id)}
    field = getattr(outcome.error, "field", None) or "name"
    return render_template(
        "reporting/focal/contacts.html",
        kept=kept,
        roles=list(ContactRole),
        problems={chosen: {field: outcome.error.message if outcome.error else ""}},
        values={chosen: dict(request.form)},
        confirm=ConfirmForm(),
    ), 422


@bp.post("/contacts/confirm")
def confirm_contacts() -> ResponseReturnValue:
    actor = current_account()
    state_id = reports.state_of(actor)
    return act(
        lambda: contacts.confirm(actor, state_id),
        success=_("Your points of contact are confirmed as they stand."),
        back=url_for(".contacts_page"),
    )
