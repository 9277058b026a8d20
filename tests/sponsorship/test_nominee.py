"""The nominee hears of their award in a message of their own — addressed to them, with the
figures, and a link to a page they may open — and nobody else can open that page."""

from __future__ import annotations

import re

import pytest

from meetings.auth.models import Role
from meetings.extensions import db
from meetings.money import Money, format_money
from meetings.registration.models import Registration
from meetings.sponsorship.offers import award_of as offers_of
from tests.factories.auth import make_user
from tests.factories.fund import bank_transfer
from tests.factories.sponsorship import applicant, apply, make_call, offered


@pytest.fixture
def offer(outbox):
    bank_transfer(amount=Money(10_000_000, "USD"))
    call = make_call()
    who = applicant(call.meetings[0], "SL")
    application = apply(call, who)
    db.session.commit()
    outbox.clear()
    offered(application)
    db.session.commit()
    nominee = db.session.get(Registration, who.registration_id)
    assert nominee is not None
    return application, who, nominee


def _body(message) -> str:
    return message.get_body(("plain",)).get_content()


def test_the_nominee_gets_a_message_of_their_own_with_the_award_and_a_link_they_may_open(
    client, login, outbox, offer
) -> None:
    application, who, nominee = offer
    offers = [m for m in outbox if "Offered" in m["Subject"]]
    to_nominee = [m for m in offers if m["To"] == nominee.email]
    to_focal = [m for m in offers if m["To"] == who.focal_point.email]
    assert len(to_nominee) == 1
    assert len(to_focal) == 1
    body = _body(to_nominee[0])
    assert f"Dear {nominee.display_name}," in body
    assert "Dear focal point" not in body
    assert "$1,800.00" in body  # the airfare
    award = offers_of(application)
    assert award is not None
    assert f"Total: {format_money(award.total)}" in body
    link = re.search(r"http\S+/sponsorship/award/\d+", body)
    assert link is not None
    assert "Dear focal point" in _body(to_focal[0])
    assert "The fund offers" in _body(to_focal[0])
    login(make_user(email=nominee.email))
    page = client.get(link.group(0).split("localhost", 1)[-1].split("127.0.0.1:5000")[-1])
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "What the fund pays" in html
    assert "accepts or declines this offer for you" in html


@pytest.mark.parametrize(
    "who",
    ["focal point", "someone else", "fund administrator"],
)
def test_nobody_but_the_nominee_opens_the_nominees_page(client, login, offer, who) -> None:
    application, applicant_, _nominee = offer
    user = {
        "focal point": applicant_.focal_point,
        "someone else": make_user(),
        "fund administrator": make_user(roles=[Role.FUND_ADMINISTRATOR]),
    }[who]
    db.session.commit()
    login(user)
    assert client.get(f"/sponsorship/award/{application.id}").status_code == 404
