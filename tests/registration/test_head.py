"""Naming the head of a delegation: asked first (naming who is replaced), then both people told."""

from __future__ import annotations

from meetings.auth.models import Role
from meetings.extensions import db
from meetings.reference.services import state_by_code
from meetings.registration import delegations, services
from meetings.registration.models import DelegationRole
from tests.factories.registration import make_open_meeting, person


def _delegation(focal_point):
    meeting = make_open_meeting()
    delegation = services.focal_point_delegation(focal_point, meeting)
    first = services.add_member(focal_point, delegation, person())
    second = services.add_member(focal_point, delegation, person())
    delegations.name_head(focal_point, delegation, first)
    db.session.commit()
    return delegation, first, second


def test_making_a_head_asks_first_and_names_who_is_replaced(client, login, outbox) -> None:
    focal_point = login(Role.FOCAL_POINT, state=state_by_code("GH"))
    delegation, first, second = _delegation(focal_point)
    outbox.clear()
    url = f"/delegations/{delegation.id}/head"
    asked = client.submit(url, {"registration_id": second.id})
    assert asked.status_code == 200
    page = asked.get_data(as_text=True)
    assert f"Make {second.full_name} head of the delegation?" in page
    assert f"{first.full_name} heads the delegation now" in page
    db.session.refresh(delegation)
    assert delegation.head_registration_id == first.id  # nothing changed yet
    assert not outbox

    done = client.submit(url, {"registration_id": second.id, "confirmed": "1"})
    assert done.status_code == 302
    db.session.refresh(delegation)
    db.session.refresh(first)
    assert delegation.head_registration_id == second.id
    assert first.role is DelegationRole.ALTERNATE
    told = {m["To"]: m.get_content() for m in outbox}
    assert set(told) == {first.email, second.email}
    assert "You now head the delegation" in told[second.email]
    assert f"You replace {first.full_name}" in told[second.email]
    assert f"{second.full_name} now heads the delegation" in told[first.email]


def test_naming_the_head_again_changes_nothing_and_tells_no_one(outbox) -> None:
    from tests.factories.auth import make_user

    focal_point = make_user(roles=[Role.FOCAL_POINT], state=state_by_code("GH"))
    delegation, first, _second = _delegation(focal_point)
    outbox.clear()
    delegations.name_head(focal_point, delegation, first)
    assert not outbox
    assert delegation.head_registration_id == first.id


def test_the_nomination_s_reference_date_and_file_keep_their_order_in_arabic(client, login) -> None:
    from datetime import date

    from tests.factories.registration import letter

    focal_point = login(Role.FOCAL_POINT, state=state_by_code("GH"))
    delegation, _first, _second = _delegation(focal_point)
    delegations.set_nomination(
        focal_point,
        delegation,
        reference="GH/NV/2018-14",
        issued_on=date(2018, 4, 20),
        upload=letter(),
    )
    db.session.commit()
    client.submit("/language", {"language": "ar", "next": "/"})
    html = client.get(f"/delegations/{delegation.id}").get_data(as_text=True)
    assert '<bdi class="nomination-reference">GH/NV/2018-14</bdi>' in html
    assert '<bdi dir="ltr">' in html
