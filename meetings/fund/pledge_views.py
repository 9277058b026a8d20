"""Fund administrators: pledges, and the pledges donors announced online waiting to be confirmed
or declined. Routes of the ``fund_manage`` blueprint (manage_views.py), behind its guard."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from meetings.auth.current import current_account
from meetings.forms import act
from meetings.fund import announcements, donors, pledges
from meetings.fund.forms import ReasonForm
from meetings.fund.manage_views import bp
from meetings.security import as_id


@bp.get("/pledges")
def pledge_list() -> ResponseReturnValue:
    actor = current_account()
    waiting = announcements.waiting(actor)
    return render_template(
        "fund/manage/pledges.html",
        rows=pledges.pledge_rows(),
        cancel=ReasonForm(formdata=None),
        announcements=[(a, announcements.matching_donor(a)) for a in waiting],
        donors=donors.donors(actor) if waiting else [],
    )


@bp.post("/pledges/<int:pledge_id>/cancel")
def cancel_pledge(pledge_id: int) -> ResponseReturnValue:
    actor = current_account()
    pledge = pledges.get_pledge(actor, pledge_id)
    form = ReasonForm()
    return act(
        lambda: pledges.cancel_pledge(actor, pledge, form.reason.data or ""),
        success=_("Pledge cancelled."),
        back=url_for(".pledge_list"),
        form=form,
    )


@bp.post("/announcements/<int:announcement_id>/confirm")
def confirm_announcement(announcement_id: int) -> ResponseReturnValue:
    actor = current_account()
    chosen = as_id(request.form.get("donor_id"))
    return act(
        lambda: announcements.confirm(
            actor, announcements.get_announcement(actor, announcement_id), chosen
        ),
        success=_("The pledge is recorded, and the donor told."),
        back=url_for(".pledge_list"),
    )


@bp.post("/announcements/<int:announcement_id>/decline")
def decline_announcement(announcement_id: int) -> ResponseReturnValue:
    actor = current_account()
    form = ReasonForm()
    return act(
        lambda: announcements.decline(
            actor, announcements.get_announcement(actor, announcement_id), form.reason.data or ""
        ),
        success=_("The announcement is declined, and the donor told why."),
        back=url_for(".pledge_list"),
        form=form,
    )
