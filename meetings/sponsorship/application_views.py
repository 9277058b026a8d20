"""Fund administrators on one application: its page, status, review, offer (and its second
approval), travel, DSA, top-up, no-show, settlement and documents. Routes of the
``sponsorship_manage`` blueprint (manage_views.py), behind its guard."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from meetings.auth.current import current_account
from meetings.forms import ConfirmForm, act, parse_choice, status_for, submit_form
from meetings.fund import ledger
from meetings.labels import label
from meetings.money import Money, format_amount, format_money, parse_amount
from meetings.sponsorship import applications, offers, queries, reviews
from meetings.sponsorship.forms import (
    AmountForm,
    DecisionForm,
    OfferForm,
    ReviewForm,
    SettleForm,
)
from meetings.sponsorship.manage_views import bp
from meetings.sponsorship.models import (
    Application,
    ApplicationStatus,
    Award,
)


def _page(application_id: int, **forms: object) -> ResponseReturnValue:
    actor = current_account()
    found = applications.get_application(actor, application_id)
    award = offers.award_of(found)
    forms.setdefault("review_form", ReviewForm(formdata=None))
    forms.setdefault("offer_form", _offer_form(found, award))
    forms.setdefault("ticket_form", AmountForm(formdata=None, prefix="ticket"))
    forms.setdefault("dsa_form", _dsa_form(award))
    forms.setdefault("top_up_form", AmountForm(formdata=None, prefix="top_up"))
    forms.setdefault("settle_form", SettleForm(formdata=None))
    return render_template(
        "sponsorship/manage/application.html",
        application=found,
        status=queries.effective_status(found),
        row=queries.rows([found])[0],
        award=award,
        awaiting_approval=offers.awaiting_approval(found, award),
        award_committed=offers.committed_amount(award) if award else None,
        four_eyes=offers.four_eyes_threshold(),
        money=offers.money_of(found),
        attendance=offers.attendance(found),
        available=ledger.available_for(offers.draws_on(found)),
        waiting_increase=offers.waiting_increase(award),
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


def _dsa_form(award: Award | None) -> AmountForm:
    """Prefilled with what the award set aside for the DSA and terminal expenses."""
    form = AmountForm(formdata=None, prefix="dsa")
    if award is not None:
        form.amount.data = format_amount(award.dsa + award.terminal)
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
            message_to_state=form.message_to_state.data or "",
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
            _(
                "Offer made: %(committed)s committed with the programme support cost.",
                committed=format_money(offers.committed_amount(award)),
            )
            if award.commitment_id
            else _(
                "Offer proposed: %(committed)s with the programme support cost. Another fund "
                "administrator approves it before the money is committed.",
                committed=format_money(offers.committed_amount(award)),
            )
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
    form = AmountForm(prefix="ticket")
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
    form = AmountForm(prefix="dsa")
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
    form = AmountForm(prefix="top_up")
    done = submit_form(
        form,
        lambda: offers.top_up(actor, found, parse_amount(form.amount.data or "", "USD")),
        success=lambda increase: (
            _("More money committed for this award.")
            if increase.committed_at is not None
            else _(
                "The increase is proposed: with it the award is above %(limit)s, so a second "
                "fund administrator approves it before the money is committed.",
                limit=format_money(offers.four_eyes_threshold()),
            )
        ),
        then=_back(application_id),
    )
    return done or _page(application_id, top_up_form=form)


@bp.post("/applications/<int:application_id>/top-up/approve")
def approve_top_up(application_id: int) -> ResponseReturnValue:
    actor = current_account()
    found = applications.get_application(actor, application_id)
    return act(
        lambda: offers.approve_increase(actor, found),
        success=_("Increase approved: the money is committed for this award."),
        back=_back(application_id),
    )


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
    form = SettleForm()
    done = submit_form(
        form,
        lambda: offers.settle(actor, found),
        success=lambda released: _(
            "Settled: %(amount)s returned to the fund.", amount=format_money(released)
        ),
        then=_back(application_id),
    )
    return done or _page(application_id, settle_form=form)


@bp.get("/applications/<int:application_id>/documents/<name>")
def document(application_id: int, name: str) -> ResponseReturnValue:
    return redirect(url_for("sponsorship_focal.document", application_id=application_id, name=name))
