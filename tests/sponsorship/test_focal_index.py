"""The focal point's sponsorship page after the State has applied: the application is named and
linked, and a new one is offered only for a meeting of the call the State has not applied for."""

from __future__ import annotations

from meetings.extensions import db
from meetings.sponsorship import applications
from meetings.sponsorship.models import ApplicationStatus as S
from meetings.sponsorship.workflow import WORKFLOW
from tests.factories.sponsorship import applicant, apply, make_call


def test_after_applying_the_state_is_told_and_linked_not_offered_an_empty_form(
    client, login
) -> None:
    call = make_call()
    sierra_leone = applicant(call.meetings[0], "SL")
    mine = apply(call, sierra_leone)
    db.session.commit()
    login(sierra_leone.focal_point)
    html = client.get("/sponsorship").get_data(as_text=True)
    assert f"/sponsorship/applications/{mine.id}" in html
    assert "Sierra Leone has applied for" in html
    assert f"/sponsorship/calls/{call.id}/apply" not in html
    response = client.get(f"/sponsorship/calls/{call.id}/apply")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/sponsorship/applications/{mine.id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "already applied for every meeting of this call" in page


def test_before_applying_and_after_a_withdrawal_the_state_may_apply(client, login) -> None:
    call = make_call()
    sierra_leone = applicant(call.meetings[0], "SL")
    db.session.commit()
    login(sierra_leone.focal_point)
    assert f"/sponsorship/calls/{call.id}/apply" in client.get("/sponsorship").get_data(
        as_text=True
    )
    mine = apply(call, sierra_leone)
    WORKFLOW.move(sierra_leone.focal_point, mine, S.WITHDRAWN)
    db.session.commit()
    html = client.get("/sponsorship").get_data(as_text=True)
    assert f"/sponsorship/calls/{call.id}/apply" in html
    assert client.get(f"/sponsorship/calls/{call.id}/apply").status_code == 200


def test_open_calls_for_state_counts_only_live_applications() -> None:
    call = make_call()
    sierra_leone = applicant(call.meetings[0], "SL")
    [standing] = applications.open_calls_for_state(sierra_leone.focal_point, [call])
    assert standing.has_room
    assert not standing.applied
    mine = apply(call, sierra_leone)
    [standing] = applications.open_calls_for_state(sierra_leone.focal_point, [call])
    assert standing.applied == [mine]
    assert not standing.has_room


def test_accepting_the_offer_asks_first_and_says_what_happens_next(client, login) -> None:
    from meetings.money import Money
    from tests.factories.fund import bank_transfer
    from tests.factories.sponsorship import offered

    call = make_call()
    sierra_leone = applicant(call.meetings[0], "SL")
    bank_transfer(amount=Money(10_000_000, "USD"))
    mine = offered(apply(call, sierra_leone))
    db.session.commit()
    login(sierra_leone.focal_point)
    url = f"/sponsorship/applications/{mine.id}/status"
    asked = client.submit(url, {"target": "accepted"})
    assert asked.status_code == 200
    page = asked.get_data(as_text=True)
    assert "Accept the fund&#39;s offer?" in page or "Accept the fund's offer?" in page
    assert "What happens next" in page
    db.session.refresh(mine)
    assert mine.status is S.OFFERED
    done = client.submit(url, {"target": "accepted", "confirmed": "1"})
    assert done.status_code == 302
    db.session.refresh(mine)
    assert mine.status is S.ACCEPTED
    after = client.get(f"/sponsorship/applications/{mine.id}").get_data(as_text=True)
    assert "What happens next" in after
