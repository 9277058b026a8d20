"""Lists of speakers through the services and pages: a State inscribes once while the list is
open, the order follows the level and the time, the secretariat inscribes the others, moves with
a reason, marks spoken and absent; two focal points at the same instant get a deterministic
order."""

from __future__ import annotations

from datetime import timedelta

import pytest

from meetings.auth.models import Role
from meetings.errors import DomainError, PermissionDenied
from meetings.extensions import db
from meetings.floor import lists, speakers
from meetings.floor.models import InscriptionStatus
from meetings.floor.order import Level, SpeakerKind
from meetings.reference.services import state_by_code
from tests.factories.auth import make_user
from tests.factories.schedule import make_meeting
from tests.floor.conftest import OPENS
from tests.support.concurrency import race


def _list():
    desk = make_user(roles=[Role.SECRETARIAT])
    meeting = make_meeting(registration=None)
    return desk, lists.create_list(desk, meeting.id, "General debate", OPENS, 300)


def _focal(code: str):
    return make_user(roles=[Role.FOCAL_POINT], state=state_by_code(code))


def _order(found) -> list[str]:
    return [speakers.speaker_name(r) for r in speakers.inscriptions(found)]


def test_states_by_level_then_time_and_the_others_after(now) -> None:
    desk, found = _list()
    kenya, ghana, peru = _focal("KE"), _focal("GH"), _focal("PE")
    speakers.inscribe_state(
        kenya, found, state_by_code("KE").id, Level.PERMANENT_REPRESENTATIVE, None
    )
    speakers.inscribe_other(desk, found, SpeakerKind.IGO, "African Union")
    now(OPENS + timedelta(hours=2))
    speakers.inscribe_state(ghana, found, state_by_code("GH").id, Level.MINISTER, None)
    speakers.inscribe_state(
        peru, found, state_by_code("PE").id, Level.PERMANENT_REPRESENTATIVE, None
    )
    assert _order(found) == ["Ghana", "Kenya", "Peru", "African Union"]
    with pytest.raises(DomainError, match="already on this list"):
        speakers.inscribe_state(ghana, found, state_by_code("GH").id, Level.MINISTER, None)
    with pytest.raises(PermissionDenied):
        speakers.inscribe_state(ghana, found, state_by_code("KE").id, Level.MINISTER, None)
    with pytest.raises(DomainError, match="inscribed by its focal point"):
        speakers.inscribe_other(desk, found, SpeakerKind.STATE, "Kenya")


def test_inscription_opens_and_closes_when_the_secretariat_says(now) -> None:
    desk, found = _list()
    kenya = _focal("KE")
    now(OPENS - timedelta(seconds=1))
    with pytest.raises(DomainError, match="not open"):
        speakers.inscribe_state(kenya, found, state_by_code("KE").id, Level.MINISTER, None)
    now(OPENS)
    lists.close_list(desk, found)
    with pytest.raises(DomainError, match="not open"):
        speakers.inscribe_state(kenya, found, state_by_code("KE").id, Level.MINISTER, None)


def test_a_move_needs_a_reason_and_moves_only_that_speaker() -> None:
    desk, found = _list()
    for code in ("GH", "KE", "PE"):
        speakers.inscribe_state(_focal(code), found, state_by_code(code).id, Level.MINISTER, None)
    last = speakers.inscriptions(found)[-1]
    with pytest.raises(DomainError) as caught:
        speakers.move(desk, last, 0, " ")
    assert caught.value.field == "reason"
    speakers.move(desk, last, 0, "The minister must leave at noon")
    assert _order(found)[0] == state_by_code(last.state.alpha2).display_name
    with pytest.raises(PermissionDenied):
        speakers.move(_focal("GH"), last, 2, "no")


def test_an_absent_speaker_goes_to_the_end_then_is_dropped() -> None:
    desk, found = _list()
    for code in ("GH", "KE"):
        speakers.inscribe_state(_focal(code), found, state_by_code(code).id, Level.MINISTER, None)
    first = speakers.inscriptions(found)[0]
    speakers.mark(desk, first, InscriptionStatus.ABSENT)
    assert [r.id for r in speakers.inscriptions(found, waiting_only=True)][-1] == first.id
    speakers.mark(desk, first, InscriptionStatus.ABSENT)
    assert first.status is InscriptionStatus.DROPPED
    second = speakers.inscriptions(found, waiting_only=True)[0]
    speakers.mark(desk, second, InscriptionStatus.SPOKEN)
    with pytest.raises(DomainError, match="no longer waiting"):
        speakers.mark(desk, second, InscriptionStatus.SPOKEN)


@pytest.mark.concurrency
def test_focal_points_inscribing_at_the_same_instant_get_a_deterministic_order(committed) -> None:
    _desk, found = _list()
    codes = ("GH", "KE", "PE", "NG", "SN", "CL")
    focal_points = {code: _focal(code) for code in codes}
    db.session.commit()
    outcomes = race(
        committed,
        [
            (
                lambda code=code: speakers.inscribe_state(
                    db.session.merge(focal_points[code]),
                    db.session.merge(found),
                    state_by_code(code).id,
                    Level.MINISTER,
                    None,
                )
            )
            for code in codes
        ],
    )
    assert outcomes == ["ok"] * len(codes)
    db.session.expire_all()
    rows = speakers.inscriptions(found)
    assert len(rows) == len(codes)
    assert len({r.position for r in rows}) == len(codes)
    # Same level, same instant: the order the rows were written in.
    assert [r.id for r in rows] == sorted(r.id for r in rows)


def test_the_public_page_json_and_print(client) -> None:
    _desk, found = _list()
    speakers.inscribe_state(_focal("GH"), found, state_by_code("GH").id, Level.MINISTER, None)
    db.session.commit()
    page = client.get(f"/speakers/{found.id}").get_data(as_text=True)
    assert "Ghana" in page
    data = client.get(f"/speakers/{found.id}.json").json
    assert data["speakers"][0]["speaker"] == "Ghana"
    assert data["speakers"][0]["level"] == "Minister"
    assert "Ghana" in client.get(f"/speakers/{found.id}/print").get_data(as_text=True)


def test_a_focal_point_inscribes_from_the_page(client, login) -> None:
    _desk, found = _list()
    db.session.commit()
    login(_focal("GH"))
    page = client.get(f"/speakers/{found.id}").get_data(as_text=True)
    assert "Inscribe Ghana" in page
    answer = client.submit(f"/speakers/{found.id}/inscribe", {"level": "minister"})
    assert answer.status_code == 302
    assert "Ghana is on the list: place 1." in client.get(f"/speakers/{found.id}").get_data(
        as_text=True
    )
