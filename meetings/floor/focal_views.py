"""A State's focal point on the floor: names its speaker, withdraws its inscription, and
proposes, agrees to, declines or withdraws an exchange of places with another State."""

from __future__ import annotations

from flask import Blueprint, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from meetings.auth.current import current_account
from meetings.auth.guards import guard
from meetings.auth.permissions import Permission
from meetings.floor import speakers, swaps
from meetings.floor.models import SpeakerSwap
from meetings.forms import act

bp = Blueprint("floor_focal", __name__, url_prefix="/delegation/floor")
guard(bp, Permission.MANAGE_DELEGATION)


def _back(list_id: int) -> str:
    return url_for("floor.speakers_page", list_id=list_id)


@bp.post("/speakers/<int:list_id>/inscriptions/<int:inscription_id>/speaker")
def name_speaker(list_id: int, inscription_id: int) -> ResponseReturnValue:
    actor = current_account()
    row = speakers.inscription_of(list_id, inscription_id)
    chosen = request.form.get("speaker", "")
    return act(
        lambda: speakers.name_speaker(actor, row, int(chosen) if chosen.isdigit() else None),
        success=_("Your speaker is noted."),
        back=_back(list_id),
    )


@bp.post("/speakers/<int:list_id>/inscriptions/<int:inscription_id>/withdraw")
def withdraw(list_id: int, inscription_id: int) -> ResponseReturnValue:
    actor = current_account()
    row = speakers.inscription_of(list_id, inscription_id)
    return act(
        lambda: speakers.withdraw(actor, row),
        success=_("Your State is no longer on this list."),
        back=_back(list_id),
    )


@bp.post("/speakers/<int:list_id>/inscriptions/<int:inscription_id>/swap")
def propose_swap(list_id: int, inscription_id: int) -> ResponseReturnValue:
    actor = current_account()
    row = speakers.inscription_of(list_id, inscription_id)
    other_text = request.form.get("other", "")

    def call() -> SpeakerSwap:
        other = speakers.inscription_of(list_id, int(other_text)) if other_text.isdigit() else None
        return swaps.propose(actor, row, other)

    return act(
        call,
        success=_("Proposed. The places are exchanged once the other State agrees."),
        back=_back(list_id),
    )


ANSWERS = {"agree": swaps.agree, "decline": swaps.decline, "withdraw": swaps.withdraw}


def _answered(answer: str) -> str:
    if answer == "agree":
        return str(_("Agreed."))
    if answer == "decline":
        return str(_("Declined; the places stay as they are."))
    return str(_("The proposal is withdrawn."))


@bp.post("/speakers/<int:list_id>/swaps/<int:swap_id>/<any(agree, decline, withdraw):answer>")
def answer_swap(list_id: int, swap_id: int, answer: str) -> ResponseReturnValue:
    actor = current_account()
    swap = swaps.swap_by_id(list_id, swap_id)
    call = ANSWERS[answer]
    return act(lambda: call(actor, swap), success=_answered(answer), back=_back(list_id))
