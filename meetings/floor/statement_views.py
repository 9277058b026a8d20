"""The statements portal's pages (routes on the floor's public blueprint): a meeting's and a
sitting's statements for everyone, the files, and a delegation's own statements (upload,
replace, deliver, withdraw; the focal point chooses which delegates may upload)."""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required

from meetings.auth.current import current_account, current_actor
from meetings.documents.services import STATEMENT_TYPES, send_document, upload_from
from meetings.floor import statement_queries, statements
from meetings.floor.statement_models import Statement, StatementLanguage
from meetings.floor.statement_queries import StatementFilter
from meetings.floor.statements import StatementData
from meetings.floor.views import bp
from meetings.forms import ConfirmForm, act, perform
from meetings.reference.services import states
from meetings.schedule.models import SittingKind
from meetings.schedule.services import visible_meeting
from meetings.schedule.sittings import sitting_of


def _language(text: str) -> StatementLanguage | None:
    try:
        return StatementLanguage(text)
    except ValueError:
        return None


def _number(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


@bp.get("/meetings/<code>/statements")
def meeting_statements(code: str) -> ResponseReturnValue:
    meeting = visible_meeting(current_actor(), code)
    chosen = StatementFilter(
        state_id=_number(request.args.get("state")),
        agenda_item=request.args.get("item", "")[:200],
        language=_language(request.args.get("language", "")),
    )
    return render_template(
        "floor/statements.html",
        meeting=meeting,
        sitting=None,
        rows=statement_queries.public_statements(meeting.id, chosen),
        chosen=chosen,
        states=states(),
        items=statement_queries.agenda_items_of(meeting.id),
        languages=list(StatementLanguage),
    )


@bp.get("/meetings/<code>/sittings/<int:number>/statements")
def sitting_statements(code: str, number: int) -> ResponseReturnValue:
    meeting = visible_meeting(current_actor(), code)
    sitting = sitting_of(meeting, number)
    return render_template(
        "floor/statements.html",
        meeting=meeting,
        sitting=sitting,
        rows=statement_queries.public_statements(
            meeting.id, StatementFilter(sitting_id=sitting.id)
        ),
        chosen=StatementFilter(),
        states=[],
        items=[],
        languages=[],
    )


@bp.get("/statements/<int:statement_id>/file")
def statement_file(statement_id: int) -> ResponseReturnValue:
    found = statements.readable(current_actor(), statement_id)
    return send_document(found.document, missing=_("There is no such statement."))


@bp.get("/statements/<int:statement_id>/files/<int:version>")
@login_required
def statement_old_file(statement_id: int, version: int) -> ResponseReturnValue:
    """An earlier file of a statement: for its delegation and the secretariat."""
    actor = current_account()
    found = statements.statement_by_id(statement_id)
    if not statements.may_see_history(actor, found):
        abort(404)
    kept = statement_queries.file_of(found, version)
    return send_document(kept.document, missing=_("This statement has no such file."))


def _typed() -> dict[str, Any]:
    return {
        "sitting": request.form.get("sitting", ""),
        "agenda_item": request.form.get("agenda_item", ""),
        "language": request.form.get("language", ""),
        "title": request.form.get("title", ""),
        "embargoed": request.form.get("embargoed") == "1",
    }


@bp.route("/meetings/<code>/statements/mine", methods=["GET", "POST"])
@login_required
def my_statements(code: str) -> ResponseReturnValue:
    actor = current_account()
    meeting = visible_meeting(actor, code)
    form = ConfirmForm()
    error = None
    typed: dict[str, Any] = {"embargoed": True}
    if request.method == "POST":
        typed = _typed()

        def call() -> Statement:
            delegation = statements.own_delegation(actor, meeting, create=True)
            assert delegation is not None
            data = StatementData(
                sitting_id=_number(typed["sitting"]),
                agenda_item=typed["agenda_item"][:200],
                language=_language(typed["language"]),
                embargoed=typed["embargoed"],
                title=typed["title"],
            )
            upload = upload_from(request.files.get("file"), field="file", accept=STATEMENT_TYPES)
            return statements.upload(actor, meeting, delegation, data, upload)

        if form.validate_on_submit():
            outcome = perform(call)
            if outcome:
                return redirect(url_for(".my_statements", code=meeting.code))
            error = outcome.error
    delegation = statements.own_delegation(actor, meeting)
    return render_template(
        "floor/my_statements.html",
        meeting=meeting,
        delegation=delegation,
        rows=statement_queries.statements_of(delegation.id) if delegation else [],
        history=statement_queries.history,
        sittings=statement_queries.sittings_for_statements(meeting.id),
        items=statement_queries.agenda_items_of(meeting.id),
        languages=list(StatementLanguage),
        members=statements.members_of(actor, delegation) if delegation else [],
        uploaders=statements.uploaders_of(delegation) if delegation else set(),
        confirm=form,
        error=error,
        typed=typed,
    ), (422 if error else 200)


def _back(found: Statement) -> str:
    target = request.form.get("back", "")
    if target == "secretariat":
        return url_for("floor_manage.statements_list", code=statements.meeting_of(found).code)
    return url_for(".my_statements", code=statements.meeting_of(found).code)


@bp.post("/statements/<int:statement_id>/replace")
@login_required
def replace_statement(statement_id: int) -> ResponseReturnValue:
    actor = current_account()
    found = statements.statement_by_id(statement_id)
    file = request.files.get("file")
    return act(
        lambda: statements.replace_file(
            actor, found, upload_from(file, field="file", accept=STATEMENT_TYPES)
        ),
        success=_("The new file is kept; the earlier ones stay in its history."),
        back=_back(found),
    )


@bp.post("/statements/<int:statement_id>/deliver")
@login_required
def deliver_statement(statement_id: int) -> ResponseReturnValue:
    actor = current_account()
    found = statements.statement_by_id(statement_id)
    return act(
        lambda: statements.mark_delivered(actor, found),
        success=_("Delivered: the statement is public."),
        back=_back(found),
    )


@bp.post("/statements/<int:statement_id>/withdraw")
@login_required
def withdraw_statement(statement_id: int) -> ResponseReturnValue:
    actor = current_account()
    found = statements.statement_by_id(statement_id)
    return act(
        lambda: statements.withdraw(actor, found),
        success=_("The statement is withdrawn."),
        back=_back(found),
    )


@bp.post("/meetings/<code>/statements/uploaders")
@login_required
def statement_uploaders(code: str) -> ResponseReturnValue:
    actor = current_account()
    meeting = visible_meeting(actor, code)
    chosen = {int(v) for v in request.form.getlist("allowed") if v.isdigit()}

    def call() -> None:
        delegation = statements.own_delegation(actor, meeting, create=True)
        assert delegation is not None
        statements.choose_uploaders(actor, delegation, chosen)

    return act(
        call,
        success=_("Saved: who may upload your delegation's statements."),
        back=url_for(".my_statements", code=meeting.code),
    )


def statements_link(meeting: Any, sitting: Any) -> tuple[str, str] | None:
    """A sitting's statements page, from its page and its calendar entry (side events have
    none). No database: the feeds ask this of every sitting."""
    if sitting.kind is SittingKind.SIDE_EVENT:
        return None
    return _("Statements"), url_for(
        "floor.sitting_statements", code=meeting.code, number=sitting.number
    )


def statements_panel(meeting: Any, sitting: Any) -> tuple[str, dict[str, Any]] | None:
    """The statements delivered (or not embargoed) at a sitting, on the sitting's page."""
    if sitting.kind is SittingKind.SIDE_EVENT:
        return None
    rows = statement_queries.public_statements(meeting.id, StatementFilter(sitting_id=sitting.id))
    return "floor/_sitting_statements.html", {"rows": rows}


def meeting_statements_link(meeting: Any) -> tuple[str, str] | None:
    """The meeting's statements, on its page (no database: see views.speakers_link)."""
    return _("Statements"), url_for("floor.meeting_statements", code=meeting.code)
