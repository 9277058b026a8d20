"""Donors and the public: contributing (by card through Stripe, or the bank details and a pledge),
the thank-you page, receipts and statements, the public page of the fund; Stripe's webhook."""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required

from meetings import metrics
from meetings.auth.current import current_account, current_actor
from meetings.extensions import csrf, limiter
from meetings.forms import options, perform, run, status_for
from meetings.fund import announcements, checkout, events, payments, queries, receipts
from meetings.fund.contributions import contribution_by_token
from meetings.fund.donors import donor_of
from meetings.fund.forms import AnnounceForm, ContributeForm, currency_choices
from meetings.fund.models import Contribution, ContributionStatus, DonorKind, PaymentMethod
from meetings.fund.sections import public_sections
from meetings.money import parse_amount
from meetings.reference import services as reference
from meetings.schedule.services import public_meetings
from meetings.security import as_id, content_security_policy

bp = Blueprint("fund", __name__)
log = logging.getLogger(__name__)


@bp.route("/fund/contribute", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def contribute() -> ResponseReturnValue:
    actor = current_actor()
    form = ContributeForm()
    online = payments.online() is not None
    currency_choices(form, sorted(checkout.payable_currencies()) if online else None)
    form.fresh_token()
    start_again = False
    if online and form.validate_on_submit():
        outcome = perform(
            lambda: checkout.prepare(
                actor,
                checkout.OnlineGift(
                    amount=parse_amount(form.amount.data or "", form.currency.data or ""),
                    token=form.token.data or "",
                    name=form.name.data or "",
                    email=form.email.data or "",
                    anonymous=bool(form.anonymous.data),
                ),
            ),
            form=form,
        )
        if outcome.value is not None:
            contribution = outcome.value
            opened = perform(lambda: checkout.open_checkout(contribution), form=form)
            if opened.value is not None:
                return redirect(opened.value, code=303)
        elif isinstance(outcome.error, checkout.NothingCharged):
            start_again = True  # a new form, with what was typed and a token of its own
            form.fresh_token(force=True)
    return _contribute_page(form, _announce_form(), online=online, start_again=start_again)


def _announce_form() -> AnnounceForm:
    form = AnnounceForm()
    currency_choices(form)
    form.state_id.choices = options(
        ((s.id, s.name) for s in reference.states_by_name()), blank=_("— choose —")
    )
    form.earmark_meeting_id.choices = options(
        ((m.id, m.display_title) for m in public_meetings()), blank=_("The fund as a whole")
    )
    return form


@bp.post("/fund/pledges/announce")
@limiter.limit("10 per hour")
def announce_pledge() -> ResponseReturnValue:
    """A donor announces a pledge; the fund administrators confirm it."""
    actor = current_actor()
    form = _announce_form()
    if form.validate_on_submit():
        outcome = perform(
            lambda: announcements.announce(
                actor,
                announcements.AnnouncementData(
                    donor_kind=DonorKind(form.donor_kind.data),
                    contact_name=form.contact_name.data or "",
                    email=form.email.data or "",
                    amount=parse_amount(form.amount.data or "", form.currency.data or ""),
                    state_id=as_id(form.state_id.data),
                    donor_name=form.donor_name.data or "",
                    expected_on=form.expected_on.data,
                    earmark_meeting_id=as_id(form.earmark_meeting_id.data),
                    note=form.note.data or "",
                ),
            ),
            form=form,
        )
        if outcome.value is not None:
            flash(
                _(
                    "Thank you: your pledge is announced. A fund administrator records it and "
                    "writes to you at %(email)s.",
                    email=outcome.value.email,
                ),
                "success",
            )
            return redirect(url_for(".contribute"))
    card = ContributeForm(formdata=None)
    online = payments.online() is not None
    currency_choices(card, sorted(checkout.payable_currencies()) if online else None)
    card.fresh_token()
    return _contribute_page(card, form, online=online, start_again=False)


def _contribute_page(
    form: ContributeForm, announce: AnnounceForm, *, online: bool, start_again: bool
) -> Response:
    actor = current_actor()
    response = make_response(
        render_template(
            "fund/contribute.html",
            form=form,
            announce=announce,
            card_payments=online,
            start_again=start_again,
            donor=donor_of(actor),
            bank_details=current_app.config["FUND_BANK_DETAILS"],
            contact_email=current_app.config["FUND_CONTACT_EMAIL"],
        ),
        status_for(form, announce),
    )
    # The form's answer redirects to Stripe's checkout page: the policy must allow it there.
    response.headers["Content-Security-Policy"] = content_security_policy(
        form_action=[str(current_app.config["STRIPE_CHECKOUT_ORIGIN"])]
    )
    return response


def _private(response: ResponseReturnValue) -> Response:
    """A page found by a secret in its address (a guest's thank-you page and receipt): never
    kept by a browser's or a proxy's cache."""
    answer = make_response(response)
    answer.headers["Cache-Control"] = "private, no-store"
    return answer


@bp.get("/fund/thanks/<token>")
def thanks(token: str) -> ResponseReturnValue:
    """Where Stripe sends the donor back. Read-only: it shows what the webhook has recorded."""
    contribution = contribution_by_token(token)
    return _private(
        render_template(
            "fund/thanks.html",
            contribution=contribution,
            confirmed=contribution.receipt_number is not None,
            failed=contribution.status in (ContributionStatus.FAILED, ContributionStatus.EXPIRED),
        )
    )


@bp.get("/fund/cancelled/<token>")
def cancelled(token: str) -> ResponseReturnValue:
    contribution = contribution_by_token(token)
    return _private(render_template("fund/cancelled.html", contribution=contribution))


@bp.get("/fund/thanks/<token>/receipt")
def guest_receipt(token: str) -> ResponseReturnValue:
    return _private(_receipt_page(receipts.receipt_by_token(token), pdf=False))


@bp.get("/fund/thanks/<token>/receipt.pdf")
def guest_receipt_pdf(token: str) -> ResponseReturnValue:
    return _private(_receipt_page(receipts.receipt_by_token(token), pdf=True))


@bp.get("/fund/receipts/<int:contribution_id>")
@login_required
def receipt(contribution_id: int) -> ResponseReturnValue:
    return _receipt_page(receipts.receipt_for(current_account(), contribution_id), pdf=False)


@bp.get("/fund/receipts/<int:contribution_id>.pdf")
@login_required
def receipt_pdf(contribution_id: int) -> ResponseReturnValue:
    return _receipt_page(receipts.receipt_for(current_account(), contribution_id), pdf=True)


def _receipt_page(contribution: Contribution, *, pdf: bool) -> ResponseReturnValue:
    html = render_template("fund/receipt.html", contribution=contribution, for_pdf=pdf)
    if not pdf:
        return html
    return _pdf_response(html, f"receipt-{contribution.receipt_label}.pdf")


@bp.get("/fund/statements/<int:donor_id>/<int:year>")
@login_required
def statement(donor_id: int, year: int) -> ResponseReturnValue:
    found = receipts.statement(current_account(), donor_id, year)
    return render_template("fund/statement.html", statement=found, for_pdf=False)


@bp.get("/fund/statements/<int:donor_id>/<int:year>.pdf")
@login_required
def statement_pdf(donor_id: int, year: int) -> ResponseReturnValue:
    found = receipts.statement(current_account(), donor_id, year)
    html = render_template("fund/statement.html", statement=found, for_pdf=True)
    return _pdf_response(html, f"statement-{found.donor.id}-{year}.pdf")


def _pdf_response(html: str, filename: str) -> Response:
    response = Response(receipts.pdf(html), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/fund/my")
@login_required
def mine() -> ResponseReturnValue:
    """A donor's own pledges, contributions, receipts and yearly statements."""
    donor = donor_of(current_account())
    records = queries.donor_records(donor) if donor is not None else None
    return render_template("fund/mine.html", records=records)


@bp.get("/fund/public")
def public() -> ResponseReturnValue:
    """Who gave how much, what was received and committed, whom the fund brought: a page a
    donor can link to."""
    return render_template(
        "fund/public.html", fund=queries.public_fund(), sections=public_sections()
    )


@bp.post("/fund/stripe/webhook")
@csrf.exempt
@limiter.exempt
def stripe_webhook() -> ResponseReturnValue:
    """Stripe's events: 400 (nothing written) for anything unsigned, tampered, old or foreign;
    400 for a signed body that is no event we can read (kept for an administrator: Stripe would
    retry a 500 for days); 200 once stored; 500 when it could not be processed, so that Stripe
    sends it again. The answer is always JSON, never the HTML error page."""
    provider = payments.provider(PaymentMethod.STRIPE)
    payload = request.get_data()
    try:
        event = provider.read_event(payload, dict(request.headers))
    except payments.InvalidEvent:
        metrics.WEBHOOK_FAILURES.labels("invalid signature").inc()
        return {"error": "invalid signature"}, 400
    except payments.MalformedEvent as malformed:
        metrics.WEBHOOK_FAILURES.labels("malformed").inc()
        reason = str(malformed)
        kept = run(lambda: events.reject(provider, payload, reason))
        return {"error": "not an event we can read", "kept": kept.id}, 400
    try:
        stored = run(lambda: events.receive(provider, event))
    except Exception:  # Stripe retries what we answer 500 to; the answer stays JSON
        log.exception("could not process Stripe event %s", event.get("id"))
        metrics.WEBHOOK_FAILURES.labels("not processed").inc()
        return {"error": "could not process the event"}, 500
    return {"received": stored.id, "outcome": stored.outcome.value}, 200
