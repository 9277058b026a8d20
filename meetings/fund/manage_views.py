"""Fund administrators: the fund page and its chart, donors and their accounts, pledges, bank
transfers, contributions and refunds, exchange rates, the ledger, Stripe's events."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_date
from flask_babel import gettext as _

from meetings.auth.current import current_account
from meetings.auth.guards import guard
from meetings.auth.permissions import Permission
from meetings.csvfiles import CsvImportError, read_text
from meetings.documents.services import send_document, upload_from
from meetings.forms import act, options, perform, status_for, submit_form
from meetings.fund import (
    charts,
    contributions,
    descriptions,
    donors,
    pledges,
    queries,
    rates,
    refunds,
)
from meetings.fund.forms import (
    BankTransferForm,
    DonorForm,
    LinkAccountForm,
    PledgeForm,
    RateForm,
    RatesImportForm,
    ReasonForm,
    RefundForm,
    currency_choices,
)
from meetings.fund.models import ContributionStatus, DonorKind, Pledge, Refund, RefundStatus
from meetings.money import format_money, parse_amount
from meetings.schedule.services import meetings_for, processes
from meetings.security import as_id

bp = Blueprint("fund_manage", __name__, url_prefix="/fund")
guard(bp, Permission.MANAGE_FUND)


def _page() -> int:
    return request.args.get("page", 1, type=int) or 1


@bp.get("")
def index() -> ResponseReturnValue:
    return render_template("fund/manage/index.html", overview=queries.overview(current_account()))


@bp.get("/chart.svg")
def chart() -> ResponseReturnValue:
    queries.overview(current_account())  # the same permission as the page
    return charts.svg_response(charts.given_and_committed(queries.months()))


# --- donors --------------------------------------------------------------------------------------


@bp.route("/donors", methods=["GET", "POST"])
def donor_list() -> ResponseReturnValue:
    actor = current_account()
    form = DonorForm()
    form.fill()
    done = submit_form(
        form,
        lambda: donors.create_donor(
            actor,
            donors.DonorData(
                kind=DonorKind(form.kind.data),
                name=form.name.data or "",
                state_id=int(form.state_id.data) if form.state_id.data else None,
                organisation_id=int(form.organisation_id.data)
                if form.organisation_id.data
                else None,
                email=form.email.data or "",
                is_anonymous=bool(form.anonymous.data),
            ),
        ),
        success=lambda donor: _("%(name)s is a donor.", name=donor.display_name),
        then=lambda donor: url_for(".donor", donor_id=donor.id),
    )
    return done or (
        render_template(
            "fund/manage/donors.html",
            form=form,
            page=queries.donors_page(actor, page=_page()),
            totals={t.donor.id: t.given for t in queries.given_by_donor()},
        ),
        status_for(form),
    )


def _pledge_form() -> PledgeForm:
    form = PledgeForm()
    currency_choices(form)
    form.earmark.choices = options(
        [("", _("The fund as a whole"))]
        + [(f"p:{p.id}", p.display_title) for p in processes()]
        + [(f"m:{m.id}", m.display_title) for m in meetings_for(current_account())]
    )
    return form


def _transfer_form(donor_id: int) -> BankTransferForm:
    form = BankTransferForm()
    currency_choices(form)
    rows = pledges.pledge_rows(Pledge.donor_id == donor_id, Pledge.cancelled_at.is_(None))
    form.pledge_id.choices = options(
        (
            (
                row.pledge.id,
                f"{format_date(row.pledge.pledged_on, 'medium')} — "
                f"{format_money(row.pledge.amount)}",
            )
            for row in rows
        ),
        blank=_("No pledge"),
    )
    return form


def _donor_page(donor_id: int, **forms: object) -> ResponseReturnValue:
    actor = current_account()
    donor = donors.donor_by_id(actor, donor_id)
    forms.setdefault("link", LinkAccountForm(formdata=None))
    forms.setdefault("pledge", _pledge_form())
    forms.setdefault("transfer", _transfer_form(donor_id))
    return render_template(
        "fund/manage/donor.html",
        donor=donor,
        records=queries.donor_records(donor),
        accounts=donors.accounts_of(donor),
        **forms,
    ), status_for(*forms.values())


@bp.get("/donors/<int:donor_id>")
def donor(donor_id: int) -> ResponseReturnValue:
    return _donor_page(donor_id)


@bp.post("/donors/<int:donor_id>/accounts")
def link_account(donor_id: int) -> ResponseReturnValue:
    actor = current_account()
    found = donors.donor_by_id(actor, donor_id)
    form = LinkAccountForm()
    done = submit_form(
        form,
        lambda: donors.link_account(actor, found, form.email.data or ""),
        success=lambda user: _("%(name)s now acts for this donor.", name=user.full_name),
        then=url_for(".donor", donor_id=donor_id),
    )
    return done or _donor_page(donor_id, link=form)


def _earmark(value: str) -> tuple[int | None, int | None]:
    kind, _sep, number = value.partition(":")
    if not number.isdecimal() or len(number) > 12:
        return None, None
    return (int(number), None) if kind == "m" else (None, int(number))


@bp.post("/donors/<int:donor_id>/pledges")
def record_pledge(donor_id: int) -> ResponseReturnValue:
    actor = current_account()
    found = donors.donor_by_id(actor, donor_id)
    form = _pledge_form()

    def record() -> Pledge:
        meeting_id, process_id = _earmark(form.earmark.data or "")
        return pledges.record_pledge(
            actor,
            found,
            pledges.PledgeData(
                amount=parse_amount(form.amount.data or "", form.currency.data or ""),
                pledged_on=form.pledged_on.data or date.min,
                earmark_meeting_id=meeting_id,
                earmark_process_id=process_id,
                note=form.note.data or "",
                another=bool(form.another.data),
            ),
        )

    done = submit_form(
        form, record, success=_("Pledge recorded."), then=url_for(".donor", donor_id=donor_id)
    )
    return done or _donor_page(donor_id, pledge=form)


@bp.post("/donors/<int:donor_id>/transfers")
def record_transfer(donor_id: int) -> ResponseReturnValue:
    actor = current_account()
    found = donors.donor_by_id(actor, donor_id)
    form = _transfer_form(donor_id)
    done = submit_form(
        form,
        lambda: contributions.record_bank_transfer(
            actor,
            found,
            contributions.BankTransfer(
                amount=parse_amount(form.amount.data or "", form.currency.data or ""),
                value_date=form.value_date.data or date.min,
                reference=form.reference.data or "",
                pledge_id=int(form.pledge_id.data) if form.pledge_id.data else None,
            ),
            upload_from(form.advice.data, field="advice"),
        ),
        success=lambda c: _("Transfer recorded: receipt %(number)s.", number=c.receipt_label),
        then=lambda c: url_for(".contribution", contribution_id=c.id),
    )
    return done or _donor_page(donor_id, transfer=form)


# --- contributions -------------------------------------------------------------------------------


@bp.get("/contributions")
def contribution_list() -> ResponseReturnValue:
    status = request.args.get("status", "")
    donor_id = request.args.get("donor", "")
    filters = queries.ContributionFilter(
        status=ContributionStatus(status) if status in set(ContributionStatus) else None,
        donor_id=as_id(donor_id),
        flagged=request.args.get("flagged") == "1",
    )
    return render_template(
        "fund/manage/contributions.html",
        page=queries.contributions(current_account(), filters, page=_page()),
        filters=filters,
    )


def _contribution_page(
    contribution_id: int, refund_form: RefundForm | None = None
) -> ResponseReturnValue:
    actor = current_account()
    found = contributions.get_contribution(actor, contribution_id)
    form = refund_form or RefundForm(formdata=None)
    return render_template(
        "fund/manage/contribution.html",
        contribution=found,
        entries=queries.entries_of(found),
        events=queries.events_of(found),
        refund_list=queries.refunds_of(found),
        references=queries.references_of(found),
        movements=queries.movements_of(found),
        disputes=queries.disputes_of(found),
        refundable=refunds.refundable(found),
        form=form,
        withdraw=ReasonForm(formdata=None, prefix="withdraw"),
    ), status_for(form)


@bp.get("/contributions/<int:contribution_id>")
def contribution(contribution_id: int) -> ResponseReturnValue:
    return _contribution_page(contribution_id)


@bp.get("/contributions/<int:contribution_id>/advice")
def advice(contribution_id: int) -> ResponseReturnValue:
    found = contributions.get_contribution(current_account(), contribution_id)
    return send_document(
        found.bank_advice, missing=_("No bank advice is attached to this contribution.")
    )


@bp.post("/contributions/<int:contribution_id>/refunds")
def refund(contribution_id: int) -> ResponseReturnValue:
    actor = current_account()
    found = contributions.get_contribution(actor, contribution_id)
    form = RefundForm()
    if form.validate_on_submit():
        requested = perform(
            lambda: refunds.request_refund(
                actor,
                found,
                parse_amount(form.amount.data or "", found.amount.currency),
                form.reason.data or "",
            ),
            form=form,
        )
        if requested.value is not None:
            refund_made = requested.value
            sent = perform(lambda: refunds.send(refund_made), form=form)
            if sent:
                flash(_refund_message(refund_made), "success")
                return redirect(url_for(".contribution", contribution_id=contribution_id))
            flash(
                _(
                    "The refund is recorded and held back from the available balance, but "
                    "the payment service did not take it: send it again below, or withdraw it."
                ),
                "error",
            )
            return redirect(url_for(".contribution", contribution_id=contribution_id))
    return _contribution_page(contribution_id, form)


def _refund_message(refund: Refund) -> str:
    if refund.status is RefundStatus.SUCCEEDED:
        return str(_("Refund made and booked."))
    return str(
        _(
            "Refund sent to the payment service. Its amount is held back from the available "
            "balance until the service confirms it."
        )
    )


@bp.post("/refunds/<int:refund_id>/send")
def send_refund(refund_id: int) -> ResponseReturnValue:
    actor = current_account()
    pending = refunds.get_refund(actor, refund_id)
    return act(
        lambda: refunds.send(pending),
        success=lambda refund: _refund_message(refund),
        back=url_for(".contribution", contribution_id=pending.contribution_id),
    )


@bp.post("/refunds/<int:refund_id>/withdraw")
def withdraw_refund(refund_id: int) -> ResponseReturnValue:
    actor = current_account()
    pending = refunds.get_refund(actor, refund_id)
    form = ReasonForm(prefix="withdraw")
    return act(
        lambda: refunds.cancel(actor, pending, form.reason.data or ""),
        success=_("Refund withdrawn; its amount is available again."),
        back=url_for(".contribution", contribution_id=pending.contribution_id),
        form=form,
    )


# --- exchange rates, the ledger, Stripe's events -------------------------------------------------


def _rates_page(
    form: RateForm, upload: RatesImportForm, problems: list[object]
) -> ResponseReturnValue:
    return render_template(
        "fund/manage/rates.html",
        form=form,
        upload=upload,
        problems=problems,
        rates=rates.rates(),
    ), status_for(form, upload)


def _rate_form() -> RateForm:
    form = RateForm()
    currency_choices(form)
    form.currency.choices = [c for c in form.currency.choices if c.value != "USD"]
    return form


@bp.route("/rates", methods=["GET", "POST"])
def rate_list() -> ResponseReturnValue:
    actor = current_account()
    form = _rate_form()
    done = submit_form(
        form,
        lambda: rates.set_rate(
            actor,
            form.currency.data or "",
            rates.parse_month(form.month.data or ""),
            rates.parse_rate(form.units_per_usd.data or ""),
        ),
        success=_("Rate recorded."),
        then=url_for(".rate_list"),
    )
    return done or _rates_page(form, RatesImportForm(formdata=None), [])


@bp.post("/rates/import")
def import_rates() -> ResponseReturnValue:
    actor = current_account()
    upload = RatesImportForm()
    outcome = None
    if upload.validate_on_submit() and upload.file.data:
        outcome = perform(
            lambda: rates.import_rates(actor, read_text(upload.file.data.read())), form=upload
        )
        if outcome:
            flash(_("Rates imported: %(result)s.", result=str(outcome.value)), "success")
            return redirect(url_for(".rate_list"))
    error = outcome.error if outcome is not None else None
    problems: list[object] = list(error.problems) if isinstance(error, CsvImportError) else []
    if not upload.file.data:
        upload.file.errors = [_("Choose a CSV file.")]
    return _rates_page(_rate_form(), upload, problems)


@bp.get("/ledger")
def ledger_entries() -> ResponseReturnValue:
    page = queries.entries(current_account(), page=_page())
    return render_template(
        "fund/manage/ledger.html", page=page, concerns=descriptions.concerns(page.items)
    )


@bp.get("/events")
def events() -> ResponseReturnValue:
    return render_template(
        "fund/manage/events.html", page=queries.events(current_account(), page=_page())
    )
