"""The walk-through's flows, in a browser: withdraw and register again, an invitation taken up
through sign-up, a focal point's to-do list on a phone, a closed meeting, the header at 1280."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from meetings.auth.models import Role
from meetings.auth.services import user_by_email
from meetings.extensions import db
from meetings.reference.services import state_by_code
from tests.browser.conftest import browser_meeting, link_in, logged_in, mail_to
from tests.factories.auth import make_user
from tests.factories.registration import PDF

OPEN = "WALK-OPEN"
CLOSED = "WALK-CLOSED"


@pytest.fixture
def walk(in_app) -> dict[str, str]:
    browser_meeting(OPEN, "Walk-through meeting")
    browser_meeting(CLOSED, "Closed walk-through meeting", open_for_registration=False)
    db.session.commit()
    emails = {
        "delegate": "walk-delegate@example.org",
        "focal point": "walk-focal@example.org",
        "secretariat": "walk-secretariat@example.org",
    }
    _account(emails["delegate"], full_name="Aïssata Touré")
    _account(
        emails["focal point"],
        full_name="Kwame Asante",
        roles=[Role.FOCAL_POINT],
        state=state_by_code("GH"),
    )
    _account(emails["secretariat"], roles=[Role.SECRETARIAT])
    return emails


def _account(email: str, **kwargs: Any) -> None:
    """The account, made once for the browser database (shared by the browser tests). The
    transaction ends here: on SQLite it would hold the lock the server needs to write."""
    if user_by_email(email) is None:
        make_user(email=email, **kwargs)
    db.session.commit()


def _fill_registration(page: Any, letter: Path) -> None:
    page.get_by_label("Member State", exact=True).check()
    page.get_by_label("Which Member State").select_option(label="Ghana")
    page.get_by_label("Title", exact=True).select_option("Ms.")
    page.get_by_label("Given names (as in passport)").fill("Aïssata")
    page.get_by_label("Family name (as in passport)").fill("Touré")
    page.get_by_label("Functional title").fill("First Secretary")
    page.get_by_label("Gender").select_option("female")
    page.get_by_label("Nomination letter").set_input_files(str(letter))


def test_withdraw_then_register_again(browser, live_server, walk, tmp_path: Path) -> None:
    letter = tmp_path / "letter.pdf"
    letter.write_bytes(PDF)
    page = logged_in(browser, live_server, walk["delegate"])
    page.goto(f"/meetings/{OPEN}/register")
    _fill_registration(page, letter)
    page.get_by_role("button", name="Submit registration").click()
    page.wait_for_url(re.compile(r"/registrations/\d+$"))
    assert page.get_by_role("heading", name="What happens next").is_visible()

    page.get_by_role("button", name=re.compile(r"^Withdraw")).click()
    assert page.get_by_role("heading", name="Withdraw your registration?").is_visible()
    page.get_by_role("button", name="Yes, withdraw").click()
    assert page.get_by_text("withdrawn", exact=True).first.is_visible()

    page.goto(f"/meetings/{OPEN}/register")
    assert page.get_by_text("You withdrew your registration for this meeting.").is_visible()
    page.get_by_role("button", name="Reopen my registration").click()
    page.wait_for_url(re.compile(r"/registrations/\d+/edit$"))
    assert page.get_by_text(re.compile("open again, as a draft")).is_visible()
    assert page.get_by_label("Family name (as in passport)").input_value() == "Touré"
    page.get_by_role("button", name=re.compile("Submit")).click()
    page.wait_for_url(re.compile(r"/registrations/\d+$"))
    assert page.get_by_text("submitted", exact=True).first.is_visible()


def test_a_closed_meeting_says_so_before_any_form(browser, live_server, walk) -> None:
    page = logged_in(browser, live_server, walk["secretariat"])
    page.goto(f"/meetings/{CLOSED}/register")
    assert page.get_by_text(re.compile(r"Registration for this meeting closed on")).is_visible()
    assert page.get_by_label("Given names (as in passport)").count() == 0


def _delegation_page(walk: dict[str, str]) -> str:
    """The address of Ghana's delegation to the open meeting (opened for the focal point)."""
    from meetings.registration import services
    from meetings.schedule.services import meeting_with_code

    focal_point = user_by_email(walk["focal point"])
    meeting = meeting_with_code(OPEN)
    assert focal_point is not None
    assert meeting is not None
    delegation = services.focal_point_delegation(focal_point, meeting)
    db.session.commit()
    return f"/delegations/{delegation.id}"


def test_an_invitation_taken_up_through_sign_up(browser, live_server, walk, browser_app) -> None:
    focal = logged_in(browser, live_server, walk["focal point"])
    focal.goto(_delegation_page(walk))
    invite = focal.locator("form[action$='/invitations']")
    invite.get_by_label("E-mail address").fill("newcomer@example.org")
    invite.get_by_role("button").click()
    focal.get_by_text("Invitation sent to newcomer@example.org.").wait_for()

    invitation = link_in(mail_to(browser_app, "newcomer@example.org"), "/invitations/")
    newcomer = browser.new_context(base_url=live_server.url).new_page()
    newcomer.set_default_timeout(10_000)
    newcomer.goto(invitation)  # not logged in: the login page, which keeps where to go
    newcomer.get_by_role("link", name="Create an account").first.click()
    newcomer.get_by_label("Full name").fill("Ama Newcomer")
    newcomer.get_by_label("E-mail address").fill("newcomer@example.org")
    newcomer.get_by_label("Password", exact=True).fill("a long enough passphrase")
    newcomer.get_by_label("Repeat the password").fill("a long enough passphrase")
    newcomer.get_by_role("button", name="Create account").click()
    newcomer.get_by_role("heading", name="Check your e-mail").wait_for()
    newcomer.goto(link_in(mail_to(browser_app, "newcomer@example.org"), "/verify/"))
    newcomer.wait_for_url(re.compile(r"/invitations/"))  # back on the invitation
    newcomer.get_by_label("Title", exact=True).select_option("Ms.")
    newcomer.get_by_label("Given names (as in passport)").fill("Ama")
    newcomer.get_by_label("Family name (as in passport)").fill("Newcomer")
    newcomer.get_by_label("Functional title").fill("Adviser")
    newcomer.get_by_label("Gender").select_option("undisclosed")
    newcomer.locator("main form button[type=submit]").last.click()
    newcomer.wait_for_url(re.compile(r"/registrations/\d+$"))
    # The focal point invited her: that is their approval.
    assert "approved" in newcomer.locator("main .badge").first.inner_text()


def test_a_focal_point_s_to_do_list_works_on_a_phone(browser, live_server, walk) -> None:
    from meetings.registration import services
    from meetings.schedule.services import meeting_with_code
    from tests.factories.registration import for_state, letter, person

    waiting = make_user(full_name="Waiting Person")
    meeting = meeting_with_code(OPEN)
    assert meeting is not None
    services.register(
        waiting,
        meeting,
        for_state("GH"),
        person(given_names="Waiting", family_name="Person", email=waiting.email),
        letter=letter(),
        submit=True,
    )
    db.session.commit()

    phone = logged_in(browser, live_server, walk["focal point"], width=390, height=844)
    assert phone.get_by_role("heading", name="Waiting for you").is_visible()
    phone.get_by_role("link", name=re.compile(r"await(s)? your approval")).first.click()
    approve = phone.get_by_role("button", name="Approve — Waiting Person")
    approve.scroll_into_view_if_needed()
    box = approve.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 390  # reachable without scrolling sideways
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    approve.click()
    assert phone.get_by_text("The registration is now approved").is_visible()


@pytest.mark.parametrize("who", ["secretariat", "administrator"])
def test_the_header_keeps_the_navigation_on_one_row_at_1280(
    browser, live_server, in_app, who: str
) -> None:
    email = f"header-{who}@example.org"
    _account(email, roles=[Role.SECRETARIAT if who == "secretariat" else Role.ADMIN])
    page = logged_in(browser, live_server, email)
    tops = page.locator(".main-nav li").evaluate_all("items => items.map(i => i.offsetTop)")
    assert len(set(tops)) == 1, tops
    picker = page.locator(".language-picker")
    select_top = picker.locator("select").bounding_box()["y"]
    button = picker.locator("button").bounding_box()
    assert abs(button["y"] - select_top) < 12  # the button beside the select, not under it
