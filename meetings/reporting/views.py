"""Public and shared pages: the reports of each cycle (the rate, the States that reported, the
published reports in the reader's language and as PDF), the published points of contact, and
the register of assistance needs and offers for donors and fund administrators."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required

from meetings.auth.current import current_account, current_actor
from meetings.documents.services import send_document
from meetings.forms import ConfirmForm, act
from meetings.fund import receipts
from meetings.reporting import assistance, contacts, cycles, reports, statistics
from meetings.reporting.models import AssistanceKind
from meetings.reporting.presenting import shown

bp = Blueprint("reporting", __name__)


@bp.get("/reports")
def index() -> ResponseReturnValue:
    return render_template("reporting/index.html", rows=statistics.overview())


def _report_page(report_id: int, *, for_pdf: bool) -> str:
    found = reports.readable(current_actor(), report_id)
    cycle = cycles.cycle_by_id(found.cycle_id)
    return render_template(
        "reporting/report.html",
        report=found,
        cycle=cycle,
        sections=shown(cycles.form_of(cycle), found.answers),
        documents=reports.attachments(found),
        for_pdf=for_pdf,
    )


@bp.get("/reports/<int:report_id>")
def report(report_id: int) -> ResponseReturnValue:
    return _report_page(report_id, for_pdf=False)


@bp.get("/reports/<int:report_id>.pdf")
def report_pdf(report_id: int) -> ResponseReturnValue:
    html = _report_page(report_id, for_pdf=True)
    response = Response(receipts.pdf(html), mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="national-report-{report_id}.pdf"'
    )
    return response


@bp.get("/reports/<int:report_id>/documents/<int:attachment_id>")
def document(report_id: int, attachment_id: int) -> ResponseReturnValue:
    """A document attached to a report, for whoever may read the report."""
    found = reports.readable(current_actor(), report_id)
    return send_document(
        reports.attachment_of(found, attachment_id), missing=_("There is no such document.")
    )


@bp.get("/contacts")
def directory() -> ResponseReturnValue:
    return render_template(
        "reporting/contacts.html", contacts=contacts.directory(None), manage=False
    )


@bp.get("/assistance")
@login_required
def register() -> ResponseReturnValue:
    actor = current_account()
    kind_text = request.args.get("kind", AssistanceKind.NEED.value)
    kind = AssistanceKind(kind_text) if kind_text in {k.value for k in AssistanceKind} else None
    filters = assistance.Filters(
        kind=kind,
        area=request.args.get("area") or None,
        region_id=request.args.get("region", type=int),
        state_id=request.args.get("state", type=int),
    )
    items = assistance.search(actor, filters)  # PermissionDenied (403) for anyone else
    areas, regions, states = assistance.filter_choices()
    return render_template(
        "reporting/assistance.html",
        items=items,
        offers=assistance.offers_by_area(actor),
        filters=filters,
        areas=areas,
        regions=regions,
        states=states,
        confirm=ConfirmForm(),
    )


@bp.post("/assistance/<int:item_id>/interest")
@login_required
def interest(item_id: int) -> ResponseReturnValue:
    actor = current_account()
    note = request.form.get("note", "")
    return act(
        lambda: assistance.mark_interest(actor, item_id, note),
        success=_("The State's focal point will see your interest."),
        back=url_for(".register"),
    )
