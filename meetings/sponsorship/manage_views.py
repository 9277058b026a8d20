"""Fund administrators: calls, the review list, ranking and suggestion, DSA rates, reports and
exports. An application's review, offer, travel and settlement are in application_views.py, on the
same blueprint and guard."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext

from meetings.auth.current import current_account
from meetings.auth.guards import guard
from meetings.auth.permissions import Permission
from meetings.exports import csv_response
from meetings.forms import ConfirmForm, act, options, perform, status_for, submit_form
from meetings.money import parse_amount
from meetings.pagination import requested_page
from meetings.schedule.services import meetings_for
from meetings.sponsorship import calls, charts, dsa, offers, queries
from meetings.sponsorship.forms import (
    CallForm,
    DsaRateForm,
)
from meetings.sponsorship.models import (
    Application,
    ApplicationStatus,
    Eligibility,
    SponsorshipCall,
)

bp = Blueprint("sponsorship_manage", __name__, url_prefix="/sponsorship/manage")
guard(bp, Permission.REVIEW_SPONSORSHIP)


@bp.get("")
def index() -> ResponseReturnValue:
    current_account()
    return render_template(
        "sponsorship/manage/index.html", calls=calls.calls(), confirm=ConfirmForm()
    )


def _call_form(call: SponsorshipCall | None = None) -> CallForm:
    form = CallForm(obj=call if call is not None and request.method == "GET" else None)
    form.meeting_ids.choices = options((m.id, m.title) for m in meetings_for(current_account()))
    if request.method == "GET" and call is not None:
        data = calls.call_data(call)
        form.meeting_ids.data = [str(i) for i in data.meeting_ids]
        form.deadline.data = data.deadline
        form.eligibility.data = data.eligibility.value
    return form


def _call_data(form: CallForm) -> calls.CallData:
    return calls.CallData(
        title=form.title.data or "",
        meeting_ids=[int(i) for i in form.meeting_ids.data or [] if str(i).isdecimal()],
        opens_on=form.opens_on.data or date.min,
        deadline=form.deadline.data or date.min,
        eligibility=Eligibility(form.eligibility.data),
        dsa_city=form.dsa_city.data or "",
        capital_based_preferred=bool(form.capital_based_preferred.data),
        covered_costs=form.covered_costs.data or "",
        travel_days=form.travel_days.data or 0,
        reply_days=form.reply_days.data or 0,
    )


@bp.route("/calls/new", methods=["GET", "POST"])
def new_call() -> ResponseReturnValue:
    actor = current_account()
    form = _call_form()
    done = submit_form(
        form,
        lambda: calls.create_call(actor, _call_data(form)),
        success=_("Call created."),
        then=lambda call: url_for(".call", call_id=call.id),
    )
    return done or (
        render_template("sponsorship/manage/call_form.html", form=form, call=None),
        status_for(form),
    )


@bp.route("/calls/<int:call_id>/edit", methods=["GET", "POST"])
def edit_call(call_id: int) -> ResponseReturnValue:
    actor = current_account()
    found = calls.get_call(call_id)
    form = _call_form(found)
    done = submit_form(
        form,
        lambda: calls.update_call(actor, found, _call_data(form)),
        success=_("Call saved."),
        then=url_for(".call", call_id=call_id),
    )
    return done or (
        render_template("sponsorship/manage/call_form.html", form=form, call=found),
        status_for(form),
    )


@bp.get("/calls/<int:call_id>")
def call(call_id: int) -> ResponseReturnValue:
    actor = current_account()
    found = calls.get_call(call_id)
    status = request.args.get("status", "")
    chosen = ApplicationStatus(status) if status in set(ApplicationStatus) else None
    return render_template(
        "sponsorship/manage/call.html",
        call=found,
        page=queries.review_list(actor, found, chosen, page=requested_page()),
        chosen=chosen,
    )


@bp.get("/calls/<int:call_id>/ranking")
def ranking(call_id: int) -> ResponseReturnValue:
    actor = current_account()
    found = calls.get_call(call_id)
    extra_text = request.args.get("extra", "").strip()
    extra = None
    error = None
    if extra_text:
        outcome = perform(lambda: parse_amount(extra_text, "USD", field="extra"))
        extra = outcome.value
        error = outcome.error.message if outcome.error else None
    return render_template(
        "sponsorship/manage/ranking.html",
        call=found,
        suggestion=queries.suggestion(actor, found, extra),
        extra_text=extra_text,
        extra_error=error,
    )


@bp.get("/calls/<int:call_id>/report")
def report(call_id: int) -> ResponseReturnValue:
    actor = current_account()
    found = calls.get_call(call_id)
    return render_template(
        "sponsorship/report.html",
        report=queries.report(actor, Application.call_id == found.id, title=found.title),
        chart_url=url_for(".report_chart", call_id=call_id),
        export_url=url_for(".export", call_id=call_id),
    )


@bp.get("/calls/<int:call_id>/report.svg")
def report_chart(call_id: int) -> ResponseReturnValue:
    actor = current_account()
    found = calls.get_call(call_id)
    data = queries.report(actor, Application.call_id == found.id, title=found.title)
    return charts.svg_response(charts.by_region(data))


@bp.get("/calls/<int:call_id>/applications.csv")
def export(call_id: int) -> ResponseReturnValue:
    found = calls.get_call(call_id)
    return csv_response(
        queries.export(current_account(), found), f"sponsorship-call-{found.id}.csv"
    )


# --- one application -----------------------------------------------------------------------------


@bp.post("/expire")
def expire() -> ResponseReturnValue:
    current_account()
    return act(
        offers.expire_overdue,
        success=lambda expired: ngettext(
            "%(num)d unanswered offer expired.", "%(num)d unanswered offers expired.", len(expired)
        ),
        back=url_for(".index"),
    )


# --- DSA rates -----------------------------------------------------------------------------------


@bp.route("/dsa-rates", methods=["GET", "POST"])
def dsa_rates() -> ResponseReturnValue:
    actor = current_account()
    form = DsaRateForm()
    done = submit_form(
        form,
        lambda: dsa.set_rate(
            actor,
            form.city.data or "",
            parse_amount(form.daily_rate.data or "", "USD", field="daily_rate"),
            form.valid_from.data or date.min,
            form.note.data or "",
        ),
        success=_("DSA rate recorded."),
        then=url_for(".dsa_rates"),
    )
    return done or (
        render_template("sponsorship/manage/dsa_rates.html", form=form, rates=dsa.rates()),
        status_for(form),
    )
