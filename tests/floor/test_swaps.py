"""Two States exchange places only when both focal points agree: the swap's course is a table
(walked here), the places change once, and two agreements at the same instant settle it once."""

from __future__ import annotations

import pytest

from meetings.errors import DomainError, PermissionDenied
from meetings.extensions import db
from meetings.floor import speakers, swaps
from meetings.floor.models import InscriptionStatus, SpeakerSwap, SwapStatus
from meetings.floor.order import Level, SpeakerKind
from tests.floor.factories import focal, open_list, state_id
from tests.support.concurrency import race


def _three():
    desk, found = open_list()
    people = {code: focal(code) for code in ("GH", "KE", "PE")}
    rows = {
        code: speakers.inscribe_state(people[code], found, state_id(code), Level.MINISTER, None)
        for code in people
    }
    return desk, found, people, rows


def _order(found) -> list[str]:
    return [speakers.speaker_name(r) for r in speakers.inscriptions(found, waiting_only=True)]


def test_the_places_change_only_when_the_second_state_agrees(outbox) -> None:
    _desk, found, people, rows = _three()
    swap = swaps.propose(people["PE"], rows["PE"], rows["GH"])
    assert swap.first_agreed_at is not None
    assert swap.second_agreed_at is None
    assert _order(found) == ["Ghana", "Kenya", "Peru"]
    db.session.commit()
    asked = [m for m in outbox if "exchange of places" in m["Subject"]]
    assert [m["To"] for m in asked] == [people["GH"].email]
    with pytest.raises(DomainError, match="already agreed"):
        swaps.agree(people["PE"], swap)
    with pytest.raises(PermissionDenied):
        swaps.agree(people["KE"], swap)
    swaps.agree(people["GH"], swap)
    assert swap.status is SwapStatus.DONE
    assert _order(found) == ["Peru", "Kenya", "Ghana"]
    assert "Ghana" in (rows["PE"].move_reason or "")


def test_a_state_declines_and_nothing_moves() -> None:
    _desk, found, people, rows = _three()
    swap = swaps.propose(people["PE"], rows["PE"], rows["GH"])
    with pytest.raises(DomainError, match="withdraw it instead"):
        swaps.decline(people["PE"], swap)
    swaps.decline(people["GH"], swap)
    assert swap.status is SwapStatus.DECLINED
    assert _order(found) == ["Ghana", "Kenya", "Peru"]
    with pytest.raises(DomainError, match="already been settled"):
        swaps.agree(people["GH"], swap)


def test_the_secretariat_proposes_and_both_must_agree() -> None:
    desk, found, people, rows = _three()
    swap = swaps.propose(desk, rows["GH"], rows["PE"])
    assert swap.first_agreed_at is None
    swaps.agree(people["GH"], swap)
    assert swap.status is SwapStatus.PROPOSED
    assert _order(found) == ["Ghana", "Kenya", "Peru"]
    swaps.agree(people["PE"], swap)
    assert _order(found) == ["Peru", "Kenya", "Ghana"]


def test_a_swap_lapses_when_one_has_spoken_before_both_agreed() -> None:
    desk, found, people, rows = _three()
    swap = swaps.propose(people["KE"], rows["KE"], rows["GH"])
    speakers.mark(desk, rows["GH"], InscriptionStatus.SPOKEN)
    swaps.agree(people["GH"], swap)
    assert swap.status is SwapStatus.LAPSED
    assert _order(found) == ["Kenya", "Peru"]


def test_what_cannot_be_exchanged() -> None:
    desk, found, people, rows = _three()
    union = speakers.inscribe_other(desk, found, SpeakerKind.IGO, "African Union")
    with pytest.raises(DomainError, match="Only States"):
        swaps.propose(people["GH"], rows["GH"], union)
    with pytest.raises(PermissionDenied):
        swaps.propose(people["GH"], rows["KE"], rows["PE"])
    with pytest.raises(DomainError, match="another State"):
        swaps.propose(people["GH"], rows["GH"], rows["GH"])
    with pytest.raises(DomainError, match="another State"):
        swaps.propose(people["GH"], rows["GH"], None)
    swaps.propose(people["GH"], rows["GH"], rows["KE"])
    with pytest.raises(DomainError, match="already has an exchange"):
        swaps.propose(people["PE"], rows["PE"], rows["KE"])
    _other_desk, elsewhere = open_list()
    far = speakers.inscribe_state(focal("CL"), elsewhere, state_id("CL"), Level.MINISTER, None)
    with pytest.raises(DomainError, match="another State"):
        swaps.propose(people["PE"], rows["PE"], far)


def test_only_the_proposer_or_the_secretariat_withdraws() -> None:
    desk, _found, people, rows = _three()
    swap = swaps.propose(people["GH"], rows["GH"], rows["KE"])
    with pytest.raises(PermissionDenied):
        swaps.withdraw(people["KE"], swap)
    swaps.withdraw(desk, swap)
    assert swap.status is SwapStatus.WITHDRAWN


@pytest.mark.parametrize(
    ("source", "target"),
    [(s, t) for s in SwapStatus for t in SwapStatus if t is not SwapStatus.PROPOSED],
)
def test_the_table_of_a_swaps_course(source: SwapStatus, target: SwapStatus) -> None:
    """Each move the table allows happens through the service; each it forbids is refused."""
    desk, _found, people, rows = _three()
    swap = swaps.propose(people["GH"], rows["GH"], rows["KE"])
    swap.status = source
    db.session.flush()
    allowed = target in swaps.TRANSITIONS[source]
    assert allowed == (source is SwapStatus.PROPOSED)

    def act() -> SpeakerSwap:
        if target is SwapStatus.DONE:
            return swaps.agree(people["KE"], swap)
        if target is SwapStatus.DECLINED:
            return swaps.decline(people["KE"], swap)
        if target is SwapStatus.WITHDRAWN:
            return swaps.withdraw(people["GH"], swap)
        speakers.mark(desk, rows["KE"], InscriptionStatus.SPOKEN)
        return swaps.agree(people["KE"], swap)

    if allowed:
        assert act().status is target
    else:
        with pytest.raises(DomainError, match="already been settled"):
            act()


@pytest.mark.concurrency
def test_two_agreements_at_the_same_instant_exchange_the_places_once(committed) -> None:
    desk, found, people, rows = _three()
    swap = swaps.propose(desk, rows["GH"], rows["PE"])
    db.session.commit()
    outcomes = race(
        committed,
        [
            lambda: swaps.agree(
                db.session.merge(people["GH"]), db.session.get(SpeakerSwap, swap.id)
            ),
            lambda: swaps.agree(
                db.session.merge(people["PE"]), db.session.get(SpeakerSwap, swap.id)
            ),
        ],
    )
    assert outcomes == ["ok", "ok"]
    db.session.expire_all()
    settled = db.session.get(SpeakerSwap, swap.id)
    assert settled is not None
    assert settled.status is SwapStatus.DONE
    assert _order(found) == ["Peru", "Kenya", "Ghana"]
