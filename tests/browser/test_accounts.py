from __future__ import annotations

import re
from typing import Any

from tests.browser.conftest import link_in, mail_to


def test_a_visitor_registers_logs_out_logs_in_and_sees_the_dashboard(
    page: Any, browser_app: Any
) -> None:
    page.goto("/")
    page.get_by_role("link", name="Create an account").first.click()
    page.get_by_label("Full name").fill("Amina Diallo")
    page.get_by_label("E-mail address").fill("amina.browser@example.org")
    page.get_by_label("Password", exact=True).fill("a long enough passphrase")
    page.get_by_label("Repeat the password").fill("a long enough passphrase")
    page.get_by_role("button", name="Create account").click()
    assert page.get_by_role("heading", name="Check your e-mail").is_visible()
    page.goto(link_in(mail_to(browser_app, "amina.browser@example.org"), "/verify/"))
    page.wait_for_url(re.compile(r"/dashboard$"))
    assert page.get_by_role("heading", name="Dashboard").is_visible()
    assert page.get_by_text("Welcome, Amina Diallo.").first.is_visible()

    page.get_by_role("button", name="Log out").click()
    page.get_by_role("link", name="Log in").first.click()
    page.get_by_label("E-mail address").fill("AMINA.browser@example.org")
    page.get_by_label("Password").fill("a long enough passphrase")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/dashboard$"))
    assert page.get_by_role("heading", name="Dashboard").is_visible()


def test_a_wrong_password_shows_the_message_and_keeps_the_email(page: Any) -> None:
    page.goto("/login")
    page.get_by_label("E-mail address").fill("someone@example.org")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_text("Email or password is incorrect.").is_visible()
    assert page.get_by_label("E-mail address").input_value() == "someone@example.org"
