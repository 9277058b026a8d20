"""Pledges announced online: the donor's word recorded, the fund administrators told, one of
them confirming it (the pledge recorded for the right donor) or declining it with a reason, the
donor told either way; never money, never a pledge until confirmed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from itertools import product

import pytest
import sqlalchemy as sa

from meetings.auth.models import Role, User
from meetings.errors import DomainError
from meetings.extensions import db
from meetings.fund import announcements, ledger
from meetings.fund.models import AnnouncementStatus as A
from meetings.fund.models import Donor, DonorKind, Pledge, PledgeAnnouncement
from meetings.money import Money
from meetings.reference.services import state_by_code
from tests.factories.auth import make_user
from tests.factories.fund import make_donor
from tests.support.concurrency import race


def _data(**changes: object) -> announcements.AnnouncementData:
    values: dict[str, object] = {
        "donor_kind": DonorKind.GOVERNMENT,
        "contact_name": "Ingrid Berg",
        "email": "Ingrid.Berg@mfa.example.org",
        "amount": Money(2_500_000, "NOK"),
        "state_id": state_by_code("NO").id,  # type: ignore[union-attr]
    }
    values.update(changes)
    return announcements.AnnouncementData(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(("source", "target"), list(product(A, A)))
def test_the_announcement_workflow_table(source: A, target: A) -> None:
    admin = make_user(roles=[Role.FUND_ADMINISTRATOR])
    announcement = announcements.announce(None, _data())
    if source is A.CONFIRMED:
        announcement.pledge_id = make_pledge_id()
    announcement.status = source
    allowed = (source, target) in announcements.TRANSITIONS
    action = (
        (lambda: announcements.confirm(admin, announcement, None))
        if target is A.CONFIRMED
        else (lambda: announcements.decline(admin, announcement, "Not ours"))
        if target is A.DECLINED
        else None
    )
    if action is None:
        assert not allowed  # nothing moves back to waiting
        return
    if allowed:
        action()
        assert announcement.status is target
    else:
        with pytest.raises(DomainError, match="dealt with already"):
            action()
        assert announcement.status is source


def make_pledge_id() -> int:
    from meetings.fund import pledges

    pledge = pledges.record_pledge(
        None,
        make_donor(),
        pledges.PledgeData(amount=Money(100, "USD"), pledged_on=date(2018, 1, 1)),
    )
    return pledge.id


def test_an_announcement_tells_the_fund_administrators_and_thanks_the_donor(outbox) -> None:
    admins = [make_user(roles=[Role.FUND_ADMINISTRATOR]) for _ in range(2)]
    make_user(roles=[Role.SECRETARIAT])
    announcement = announcements.announce(None, _data())
    assert announcement.status is A.WAITING
    assert announcement.email == "ingrid.berg@mfa.example.org"
    db.session.commit()
    recipients = sorted(m["To"] for m in outbox)
    assert recipients == sorted([*(a.email for a in admins), "ingrid.berg@mfa.example.org"])
    thanks = next(m for m in outbox if m["To"] == "ingrid.berg@mfa.example.org")
    assert "NOK" in thanks.get_content()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Pledge)) == 0
    assert ledger.balances().available == Money(0, "USD")  # a word is not money


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"state_id": None}, "state_id"),
        ({"donor_kind": DonorKind.ORGANISATION, "state_id": None}, "donor_name"),
        ({"contact_name": " "}, "contact_name"),
        ({"email": "nobody"}, "email"),
        ({"amount": Money(0, "USD")}, "amount"),
        ({"expected_on": date(2000, 1, 1)}, "expected_on"),
    ],
)
def test_bad_announcements_are_refused_beside_the_field(changes, field) -> None:
    with pytest.raises(DomainError) as refused:
        announcements.announce(None, _data(**changes))
    assert refused.value.field == field
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PledgeAnnouncement)) == 0


def test_the_same_announcement_twice_is_said_to_be_known() -> None:
    announcements.announce(None, _data())
    with pytest.raises(DomainError, match="announced this pledge already"):
        announcements.announce(None, _data(email="ingrid.berg@mfa.example.org"))


def test_confirming_records_the_pledge_for_the_government_and_tells_the_donor(outbox) -> None:
    admin = make_user(roles=[Role.FUND_ADMINISTRATOR])
    announcement = announcements.announce(None, _data(note="Second tranche"))
    assert announcements.matching_donor(announcement) is None
    db.session.commit()
    outbox.clear()
    pledge = announcements.confirm(admin, announcement, None)
    db.session.commit()
    assert pledge.amount == Money(2_500_000, "NOK")
    donor = db.session.get(Donor, pledge.donor_id)
    assert donor is not None
    assert donor.state_id == announcement.state_id
    assert "Ingrid Berg" in pledge.note
    assert "Second tranche" in pledge.note
    assert announcement.status is A.CONFIRMED
    assert announcement.pledge_id == pledge.id
    assert [m["To"] for m in outbox] == ["ingrid.berg@mfa.example.org"]
    assert "is recorded" in outbox[0].get_content()
    # The next announcement of the same government finds the donor.
    again = announcements.announce(None, _data(amount=Money(1_000_000, "NOK")))
    assert announcements.matching_donor(again) == donor


def test_confirming_for_a_donor_chosen_by_the_administrator() -> None:
    admin = make_user(roles=[Role.FUND_ADMINISTRATOR])
    foundation = make_donor(name="Foundation for Peace")
    announcement = announcements.announce(
        None,
        _data(donor_kind=DonorKind.ORGANISATION, state_id=None, donor_name="foundation for peace"),
    )
    assert announcements.matching_donor(announcement) == foundation
    pledge = announcements.confirm(admin, announcement, foundation.id)
    assert pledge.donor_id == foundation.id


def test_declining_needs_a_reason_and_tells_the_donor_why(outbox) -> None:
    admin = make_user(roles=[Role.FUND_ADMINISTRATOR])
    announcement = announcements.announce(None, _data())
    with pytest.raises(DomainError) as refused:
        announcements.decline(admin, announcement, " ")
    assert refused.value.field == "reason"
    db.session.commit()
    outbox.clear()
    announcements.decline(admin, announcement, "Already recorded from your note verbale.")
    db.session.commit()
    assert announcement.status is A.DECLINED
    assert "Already recorded from your note verbale." in outbox[0].get_content()


def test_only_fund_administrators_decide() -> None:
    from meetings.errors import PermissionDenied

    announcement = announcements.announce(None, _data())
    with pytest.raises(PermissionDenied):
        announcements.confirm(make_user(roles=[Role.SECRETARIAT]), announcement, None)


def test_a_visitor_announces_on_the_contribute_page(client, app) -> None:
    app.config["FUND_CONTACT_EMAIL"] = "fund-desk@un.example.org"
    page = client.get("/fund/contribute").get_data(as_text=True)
    assert "fund-desk@un.example.org" in page
    assert "Announce a pledge" in page
    norway = state_by_code("NO")
    assert norway is not None
    form = {
        "pledge-donor_kind": "government",
        "pledge-state_id": str(norway.id),
        "pledge-amount": "25,000",
        "pledge-currency": "NOK",
        "pledge-contact_name": "Ingrid Berg",
        "pledge-email": "not an address",
    }
    refused = client.submit("/fund/pledges/announce", form)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert 'id="pledge-email-error"' in html
    assert 'value="Ingrid Berg"' in html  # what was typed is kept
    done = client.submit("/fund/pledges/announce", {**form, "pledge-email": "ib@example.org"})
    assert done.status_code == 302
    announced = db.session.scalars(sa.select(PledgeAnnouncement)).one()
    assert announced.amount == Money(2_500_000, "NOK")


def test_the_pledges_page_offers_the_matching_donor_and_records_it(client, login) -> None:
    government = make_donor(DonorKind.GOVERNMENT, state="NO")
    announcement = announcements.announce(None, _data())
    db.session.commit()
    login(Role.FUND_ADMINISTRATOR)
    html = client.get("/fund/pledges").get_data(as_text=True)
    assert "Announced online, waiting for you" in html
    assert f'<option value="{government.id}" selected>' in html
    response = client.submit(
        f"/fund/announcements/{announcement.id}/confirm", {"donor_id": government.id}
    )
    assert response.status_code == 302
    db.session.refresh(announcement)
    assert announcement.status is A.CONFIRMED
    pledge = db.session.get(Pledge, announcement.pledge_id)
    assert pledge is not None
    assert pledge.donor_id == government.id


@pytest.mark.concurrency
def test_two_administrators_confirming_at_once_record_one_pledge(committed) -> None:
    admins = [make_user(roles=[Role.FUND_ADMINISTRATOR]) for _ in range(2)]
    announcement = announcements.announce(None, _data())
    db.session.commit()
    announcement_id = announcement.id

    def confirm(user_id: int) -> Callable[[], None]:
        def action() -> None:
            actor = db.session.get(User, user_id)
            assert actor is not None
            announcements.confirm(
                actor, announcements.get_announcement(actor, announcement_id), None
            )

        return action

    outcomes = race(committed, [confirm(a.id) for a in admins])
    assert outcomes.count("ok") == 1, outcomes
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Pledge)) == 1
