"""The nominee's own page: the award offered to them, what it covers and what happens next."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue
from flask_login import login_required

from meetings.auth.current import current_account
from meetings.sponsorship import nominee

bp = Blueprint("sponsorship_nominee", __name__, url_prefix="/sponsorship/award")


@bp.get("/<int:application_id>")
@login_required
def award(application_id: int) -> ResponseReturnValue:
    found = nominee.award_for(current_account(), application_id)
    return render_template(
        "sponsorship/nominee/award.html",
        found=found,
        application=found.application,
        award=found.award,
    )
