"""The secretariat's reporting team: cycles, who has reported (by region, least developed
countries, against earlier cycles; chart and CSV), and the directory of points of contact."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from meetings import clock
from meetings.auth.current import current_account
from meetings.auth.guards import guard
from meetings.auth.permissions import Permission
from meetings.exports import csv_line, csv_response, telephone_cell
from meetings.forms import perform, status_for
from meetings.fund.charts import svg_response
from meetings.labels import label
from meetings.reporting import contacts, cycles, statistics
from meetings.reporting.forms import CycleForm, cycle_data, fill

bp = Blueprint("reporting_manage", __name__, url_prefix="/secretariat/reporting")
guard(bp, Permission.MANAGE_REPORTING)

STATUS_NAMES = {"submitted", "draft", "not_started"}


def _choices(form: CycleForm) -> None:
    meetings, templates = cycles.form_choices()
    form.meeting_id.choices = [(str(m.id), m.display_title) for m in meetings]
    form.template_id.choices = [
        (str(t.id), f"{t.definition['title'].get('en')} — v{t.version}") for t in templates
    ]


@bp.route("", methods=["GET", "POST"])
def index() -> ResponseReturnValue:
    actor = current_account()
    form = CycleForm()
    _choices(form)
    if request.method == "GET":
        form.opens_on.data = clock.now().date()
    if form.validate_on_submit():
        outcome = perform(lambda: cycles.create_cycle(actor, cycle_data(form)), form=form)
        if outcome and outcome.value is not None:
            return redirect(url_for(".cycle", cycle_id=outcome.value.id))
    found = statistics.overview()
    return render_template("reporting/manage/index.html", rows=found, form=form), status_for(form)


@bp.route("/<int:cycle_id>", methods=["GET", "POST"])
def cycle(cycle_id: int) -> ResponseReturnValue:
    actor = current_account()
    found = cycles.cycle_by_id(cycle_id)
    form = CycleForm()
    _choices(form)
    if request.method == "GET":
        fill(form, found)
    elif form.validate_on_submit():
        outcome = perform(lambda: cycles.update_cycle(actor, found, cycle_data(form)), form=form)
        if outcome:
            return redirect(url_for(".cycle", cycle_id=found.id))
    shown = request.args.get("status")
    data = statistics.of_cycle(found)
    standings = [s for s in data.standings if shown in (None, "", s.status)]
    return render_template(
        "reporting/manage/cycle.html",
        cycle=found,
        data=data,
        standings=standings,
        shown=shown if shown in STATUS_NAMES else "",
        form=form,
        closes_at=cycles.closes_at(found),
    ), status_for(form)


@bp.get("/<int:cycle_id>/chart.svg")
def chart(cycle_id: int) -> ResponseReturnValue:
    return svg_response(statistics.chart(statistics.of_cycle(cycles.cycle_by_id(cycle_id))))


STATUS_TEXT = {
    "submitted": lambda: _("Submitted"),
    "draft": lambda: _("Draft"),
    "not_started": lambda: _("Not started"),
}


@bp.get("/<int:cycle_id>/states.csv")
def states_csv(cycle_id: int) -> ResponseReturnValue:
    data = statistics.of_cycle(cycles.cycle_by_id(cycle_id))
    header = [
        _("State"),
        _("Regional group"),
        _("Least developed"),
        _("Report"),
        _("Version"),
        _("Submitted (UTC)"),
        _("Published"),
    ]
    lines = [csv_line(header)]
    for s in data.standings:
        lines.append(
            csv_line(
                [
                    s.state.name,
                    s.state.regional_group.display_name if s.state.regional_group else "",
                    _("yes") if s.state.is_least_developed else _("no"),
                    STATUS_TEXT[s.status](),
                    s.version or "",
                    s.submitted_at.strftime("%Y-%m-%d %H:%M") if s.submitted_at else "",
                    _("yes") if s.public else _("no"),
                ]
            )
        )
    return csv_response(lines, f"national-reports-{data.cycle.meeting.code.lower()}.csv")


@bp.get("/contacts")
def directory() -> ResponseReturnValue:
    actor = current_account()
    return render_template(
        "reporting/contacts.html", contacts=contacts.directory(actor), manage=True
    )


@bp.get("/contacts.csv")
def directory_csv() -> ResponseReturnValue:
    actor = current_account()
    header = [
        _("State"),
        _("Role"),
        _("Name"),
        _("Function"),
        _("Organisation"),
        _("Address"),
        _("Telephone"),
        _("E-mail"),
        _("Languages"),
        _("Published"),
        _("Last confirmed"),
    ]
    lines = [csv_line(header)]
    for c in contacts.directory(actor):
        lines.append(
            csv_line(
                [
                    c.state.name,
                    label(c.role),
                    c.name,
                    c.function,
                    c.organisation,
                    c.address,
                    telephone_cell(c.phone) if c.phone else "",
                    c.email,
                    c.languages,
                    _("yes") if c.public else _("no"),
                    c.confirmed_at.strftime("%Y-%m-%d"),
                ]
            )
        )
    return csv_response(lines, "national-points-of-contact.csv")
