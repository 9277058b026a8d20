"""Fund administrators on contributions: the list, one contribution with everything the fund
and its payment provider recorded about it, its bank advice, and refunds (asked, sent again,
withdrawn). Routes of the ``fund_manage`` blueprint (manage_views.py), behind its guard."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from meetings.auth.current import current_account
from meetings.documents.services import send_document
from meetings.forms import act, perform, status_for
from meetings.fund import contributions, lists, refunds
from meetings.fund.forms import ReasonForm, RefundForm
from meetings.fund.manage_views import bp
from meetings.fund.models import ContributionStatus, Refund, RefundStatus
from meetings.money import parse_amount
from meetings.pagination import requested_page
from meetings.security import as_id


@bp.get("/contributions")
def contribution_list() -> ResponseReturnValue:
    status = request.args.get("status", "")
    donor_id = request.args.get("donor", "")
    filters = lists.ContributionFilter(
        status=ContributionStatus(status) if status in set(ContributionStatus) else None,
        donor_id=as_id(donor_id),
        flagged=request.args.get("flagged") == "1",
    )
    return render_template(
        "fund/manage/contributions.html",
        page=lists.contributions(current_account(), filters, page=requested_page()),
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
        records=lists.records_of(found),
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
