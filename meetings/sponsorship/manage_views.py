"""Fund administrators: calls, the review list, ranking and suggestion, an application's review,
offer, travel and settlement, DSA rates, reports and exports."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext

from meetings.auth.current import current_account
from meetings.auth.guards import guard
from meetings.auth.permissions import Permission
from meetings.exports import csv_response
from meetings.forms import ConfirmForm, act, options, parse_choice, perform, status_for, submit_form
from meetings.fund import ledger
from meetings.labels import label
from meetings.money import Money, format_amount, format_money, parse_amount
from meetings.schedule.services import meetings_for
from meetings.sponsorship import applications, calls, charts, dsa, offers, queries, reviews
from meetings.sponsorship.forms import (
    AmountForm,
    CallForm,
    DecisionForm,
    DsaRateForm,
    OfferForm,
    ReviewForm,
)
from meetings.sponsorship.models import (
    Application,
    ApplicationStatus,
    Award,
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
        rows=queries.review_list(actor, found, chosen),
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


def _page(application_id: int, **forms: object) -> ResponseReturnValue:
    actor = current_account()
    found = applications.get_application(actor, application_id)
    award = offers.award_of(found)
    forms.setdefault("review_form", ReviewForm(formdata=None))
    forms.setdefault("offer_form", _offer_form(found, award))
    forms.setdefault("ticket_form", AmountForm(formdata=None))
    forms.setdefault("dsa_form", AmountForm(formdata=None))
    forms.setdefault("top_up_form", AmountForm(formdata=None))
    return render_template(
        "sponsorship/manage/application.html",
        application=found,
        status=queries.effective_status(found),
        row=queries.rows([found])[0],
        award=award,
        awaiting_approval=offers.awaiting_approval(found, award),
        four_eyes=offers.four_eyes_threshold(),
        money=offers.money_of(found),
        available=ledger.balances().usd("available"),
        reviews=reviews.reviews_for(actor, found),
        targets=applications.targets(actor, found),
        needs_reason=applications.needs_reason,
        decision=DecisionForm(formdata=None),
        confirm=ConfirmForm(),
        **forms,
    ), status_for(*forms.values())


def _offer_form(application: Application, award: Award | None) -> OfferForm:
    form = OfferForm(formdata=None)
    source: Award | Application = award or application
    form.airfare.data = format_amount(Money(source.airfare_minor, "USD"))
    form.dsa_days.data = source.dsa_days
    form.terminal.data = format_amount(Money(source.terminal_minor, "USD"))
    return form


@bp.get("/applications/<int:application_id>")
def application(application_id: int) -> ResponseReturnValue:
    return _page(application_id)


def _back(application_id: int) -> str:
    return url_for(".application", application_id=application_id)


@bp.post("/applications/<int:application_id>/status")
def change_status(application_id: int) -> ResponseReturnValue:
    actor = current_account()
    found = applications.get_application(actor, application_id)
    form = DecisionForm()

    def move() -> ApplicationStatus:
        target = parse_choice(ApplicationStatus, form.target.data, _("Choose what to do."))
        applications.move(actor, found, target, reason=form.reason.data or "")
        return target

    return act(
        move,
        success=lambda target: _("The application is now “%(status)s”.", status=label(target)),
        back=_back(application_id),
        form=form,
    )


@bp.post("/applications/<int:application_id>/review")
def review(application_id: int) -> ResponseReturnValue:
    actor = current_account()
    found = applications.get_application(actor, application_id)
    form = ReviewForm()
    done = submit_form(
        form,
        lambda: reviews.review(
            actor,
            found,
            int(form.score.data or 0),
            form.comment.data or "",
            private=bool(form.private.data),
        ),
        success=_("Review saved."),
        then=_back(application_id),
    )
    return done or _page(application_id, review_form=form)


@bp.post("/applications/<int:application_id>/offer")
def offer(application_id: int) -> ResponseReturnValue:
    actor = current_account()
    found = applications.get_application(actor, application_id)
    form = OfferForm()
    done = submit_form(
        form,
        lambda: offers.propose(
            actor,
            found,
            offers.AwardData(
                airfare=parse_amount(form.airfare.data or "", "USD", field="airfare"),
                dsa_days=form.dsa_days.data or 0,
                terminal=parse_amount(form.terminal.data or "0", "USD", field="terminal"),
            ),
        ),
        success=lambda award: (
            _("Offer made: %(total)s committed.", total=format_money(award.total))
            if award.commitment_id
            else _("Offer proposed: another administrator approves it.")
        ),
        then=_back(application_id),
    )
    return done or _page(application_id, offer_form=form)


@bp.post("/applications/<int:application_id>/offer/approve")
def approve_offer(application_id: int) -> ResponseReturnValue:
    actor = current_account()
    found = applications.get_application(actor, application_id)
    return act(
        lambda: offers.approve(actor, found),
        success=_("Offer approved and made."),
        back=_back(application_id),
    )


@bp.post("/applications/<int:application_id>/travel")
def travel(application_id: int) -> ResponseReturnValue:
    actor = current_account()
    found = applications.get_application(actor, application_id)
    form = AmountForm()
    done = submit_form(
        form,
        lambda: offers.book_travel(
            actor, found, parse_amount(form.amount.data or "", "USD"), form.reference.data or ""
        ),
        success=_("Travel booked; the ticket is paid out."),
        then=_back(application_id),
    )
    return done or _page(application_id, ticket_form=form)


@bp.post("/applications/<int:application_id>/dsa")
def pay_dsa(application_id: int) -> ResponseReturnValue:
    actor = current_account()
    found = applications.get_application(actor, application_id)
    form = AmountForm()
    done = submit_form(
        form,
        lambda: offers.pay_dsa(actor, found, parse_amount(form.amount.data or "", "USD")),
        success=_("DSA paid."),
        then=_back(application_id),
    )
    return done or _page(application_id, dsa_form=form)


@bp.post("/applications/<int:application_id>/top-up")
def top_up(application_id: int) -> ResponseReturnValue:
    actor = current_account()
    found = applications.get_application(actor, application_id)
    form = AmountForm()
    done = submit_form(
        form,
        lambda: offers.top_up(actor, found, parse_amount(form.amount.data or "", "USD")),
        success=_("More money committed for this award."),
        then=_back(application_id),
    )
    return done or _page(application_id, top_up_form=form)


@bp.post("/applications/<int:application_id>/no-show")
def no_show(application_id: int) -> ResponseReturnValue:
    actor = current_account()
    found = applications.get_application(actor, application_id)
    form = DecisionForm()
    return act(
        lambda: offers.record_no_show(actor, found, form.reason.data or ""),
        success=_("Recorded: the nominee did not attend."),
        back=_back(application_id),
        form=form,
    )


@bp.post("/applications/<int:application_id>/settle")
def settle(application_id: int) -> ResponseReturnValue:
    actor = current_account()
    found = applications.get_application(actor, application_id)
    return act(
        lambda: offers.settle(actor, found),
        success=lambda released: _(
            "Settled: %(amount)s returned to the fund.", amount=format_money(released)
        ),
        back=_back(application_id),
    )


@bp.get("/applications/<int:application_id>/documents/<name>")
def document(application_id: int, name: str) -> ResponseReturnValue:
    return redirect(url_for("sponsorship_focal.document", application_id=application_id, name=name))


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
