"""A donor gives by card through the Stripe test server's checkout page and gets the receipt; the
fund administrator sees the money, records a bank transfer by hand, and the chart's table
changes."""

from __future__ import annotations

import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from meetings.auth.models import Role
from meetings.extensions import db
from tests.factories.auth import PASSWORD, make_user
from tests.factories.fund import make_donor
from tests.factories.registration import PDF
from tests.support.stripe_api import RunningStripe


@pytest.fixture
def card_payments(browser_app, live_server) -> Iterator[RunningStripe]:
    server = RunningStripe()
    state = server.state
    saved = {
        key: browser_app.config.get(key)
        for key in (
            "STRIPE_SECRET_KEY",
            "STRIPE_WEBHOOK_SECRET",
            "STRIPE_API_BASE",
            "STRIPE_CHECKOUT_ORIGIN",
        )
    }
    browser_app.config.update(
        STRIPE_SECRET_KEY=state.secret_key,
        STRIPE_WEBHOOK_SECRET=state.webhook_secret,
        STRIPE_API_BASE=server.url,
        STRIPE_CHECKOUT_ORIGIN=server.url,
    )

    def deliver(payload: bytes, headers: dict[str, str]) -> int:
        request = urllib.request.Request(  # noqa: S310  (loopback only)
            f"{live_server.url}/fund/stripe/webhook", data=payload, headers=headers, method="POST"
        )
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
            return int(answer.status)

    state.deliver_to = deliver
    state.auto_deliver = True
    yield server
    browser_app.config.update(saved)
    server.close()


@pytest.fixture
def fund_people(in_app) -> dict[str, Any]:
    admin = make_user(email="fund-browser@example.org", roles=[Role.FUND_ADMINISTRATOR])
    donor = make_donor(name="Browser Foundation")
    db.session.commit()
    return {"admin": admin.email, "donor_id": donor.id}


def _log_in(browser: Any, live_server: Any, email: str) -> Any:
    page = browser.new_context(base_url=live_server.url).new_page()
    page.set_default_timeout(15_000)
    page.goto("/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/dashboard$"))
    return page


def test_a_card_gift_then_a_bank_transfer_reach_the_fund_page(
    browser, live_server, card_payments, fund_people, tmp_path: Path
) -> None:
    donor = browser.new_context(base_url=live_server.url).new_page()
    donor.set_default_timeout(15_000)
    donor.goto("/fund/contribute")
    card = donor.get_by_role("region", name="Give by card")
    card.get_by_label("Amount").fill("250.00")
    card.get_by_label("Currency").select_option("USD")
    card.get_by_label("Your name").fill("Grace Browser")
    card.get_by_label("E-mail address for the receipt").fill("grace@example.org")
    card.get_by_role("button", name="Continue to payment").click()
    donor.wait_for_url(re.compile(re.escape(card_payments.url) + r"/checkout/cs_test_\w+$"))
    assert donor.locator("#amount").inner_text() == "250.0 USD"
    donor.get_by_role("button", name="Pay").click()
    donor.wait_for_url(re.compile(r"/fund/thanks/[\w-]+$"))
    donor.get_by_text("Your contribution of $250.00 was received.").wait_for()
    donor.get_by_role("link", name="Show the receipt").click()
    assert donor.get_by_text("Grace Browser").is_visible()
    assert donor.locator(".number").inner_text().startswith("SF-")

    admin = _log_in(browser, live_server, fund_people["admin"])
    admin.get_by_role("link", name="Fund", exact=True).click()
    received = admin.locator("dt:has-text('Received') + dd").first
    assert received.inner_text() == "$250.00"
    assert admin.locator("img.chart").is_visible()
    rows_before = admin.locator(".chart-and-table tbody tr").count()

    advice = tmp_path / "advice.pdf"
    advice.write_bytes(PDF)
    admin.goto(f"/fund/donors/{fund_people['donor_id']}")
    form = admin.locator("form[action$='/transfers']")
    form.get_by_label("Amount", exact=True).fill("1,000.00")
    form.get_by_label("Currency").select_option("USD")
    form.get_by_label("Value date").fill("2018-03-15")
    form.get_by_label("Bank reference").fill("BANK-2018-77")
    form.get_by_label("Bank's advice").set_input_files(str(advice))
    form.get_by_role("button", name="Record transfer").click()
    admin.get_by_text("Transfer recorded: receipt SF-").wait_for()

    admin.goto("/fund")
    assert admin.locator("dt:has-text('Received') + dd").first.inner_text() == "$1,250.00"
    assert admin.locator(".chart-and-table tbody tr").count() == rows_before + 1
    assert admin.get_by_role("row", name=re.compile(r"Mar 2018 \$1,000\.00")).is_visible()
