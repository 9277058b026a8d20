"""Fund administrators: the fund page and its chart, donors and their accounts, pledges, bank
transfers, exchange rates, the ledger, the payment providers' events. Contributions and refunds
are in contribution_views.py, pledges in pledge_views.py, on the same blueprint and guard."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_date
from flask_babel import gettext as _

from meetings.auth.current import current_account
from meetings.auth.guards import guard
from meetings.auth.permissions import Permission
from meetings.csvfiles import CsvImportError, read_text
from meetings.documents.services import upload_from
from meetings.forms import options, perform, status_for, submit_form
from meetings.fund import (
    charts,
    contributions,
    descriptions,
    donors,
    lists,
    pledges,
    queries,
    rates,
)
from meetings.fund.forms import (
    BankTransferForm,
    DonorForm,
    LinkAccountForm,
    PledgeForm,
    RateForm,
    RatesImportForm,
    currency_choices,
)
from meetings.fund.models import DonorKind, Pledge
from meetings.money import format_money, parse_amount
from meetings.pagination import requested_page
from meetings.schedule.services import meetings_for, processes

bp = Blueprint("fund_manage", __name__, url_prefix="/fund")
guard(bp, Permission.MANAGE_FUND)


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
            page=queries.donors_page(actor, page=requested_page()),
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
    page = lists.entries(current_account(), page=requested_page())
    return render_template(
        "fund/manage/ledger.html", page=page, concerns=descriptions.concerns(page.items)
    )


@bp.get("/events")
def events() -> ResponseReturnValue:
    return render_template(
        "fund/manage/events.html", page=lists.events(current_account(), page=requested_page())
    )
