"""Pages any signed-in person may ask for, each deciding who may read it: reports for those who
pay for or run the fund (aggregates per call and per meeting, never an application of one State),
and the nominee's own page about the award offered to them."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required

from meetings.auth.current import current_account
from meetings.schedule.services import visible_meeting
from meetings.sponsorship import calls, charts, nominee, queries
from meetings.sponsorship.models import Application

bp = Blueprint("sponsorship", __name__, url_prefix="/sponsorship")


@bp.get("/reports/calls/<int:call_id>")
@login_required
def call_report(call_id: int) -> ResponseReturnValue:
    found = calls.get_call(call_id)
    return render_template(
        "sponsorship/report.html",
        report=queries.report(
            current_account(), Application.call_id == found.id, title=found.title
        ),
        chart_url=url_for(".call_chart", call_id=call_id),
        export_url=None,
    )


@bp.get("/reports/calls/<int:call_id>/chart.svg")
@login_required
def call_chart(call_id: int) -> ResponseReturnValue:
    found = calls.get_call(call_id)
    data = queries.report(current_account(), Application.call_id == found.id, title=found.title)
    return charts.svg_response(charts.by_region(data))


@bp.get("/reports/meetings/<code>")
@login_required
def meeting_report(code: str) -> ResponseReturnValue:
    actor = current_account()
    meeting = visible_meeting(actor, code)
    return render_template(
        "sponsorship/report.html",
        report=queries.report(
            actor, Application.meeting_id == meeting.id, title=meeting.display_title
        ),
        chart_url=url_for(".meeting_chart", code=meeting.code),
        export_url=None,
    )


@bp.get("/reports/meetings/<code>/chart.svg")
@login_required
def meeting_chart(code: str) -> ResponseReturnValue:
    actor = current_account()
    meeting = visible_meeting(actor, code)
    data = queries.report(actor, Application.meeting_id == meeting.id, title=meeting.display_title)
    return charts.svg_response(charts.by_region(data))


@bp.get("/reports")
@login_required
def index() -> ResponseReturnValue:
    actor = current_account()
    queries.require_report_reader(actor)
    return render_template("sponsorship/reports.html", calls=calls.calls())


@bp.get("/award/<int:application_id>")
@login_required
def award(application_id: int) -> ResponseReturnValue:
    found = nominee.award_for(current_account(), application_id)
    return render_template(
        "sponsorship/nominee/award.html",
        found=found,
        application=found.application,
        award=found.award,
    )
