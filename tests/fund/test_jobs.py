"""The fund's periodic work: reconciling with Stripe, run twice, changes nothing the second
time; a failed webhook is counted for the people on call."""

from __future__ import annotations

import sqlalchemy as sa

from meetings import metrics
from meetings.extensions import db
from meetings.fund.models import Contribution, ContributionStatus, LedgerEntry, PaymentEvent
from meetings.jobs import tasks
from tests.fund.helpers import contribute, contribution, session_of
from tests.support.stripe_api import StripeServer


def _state() -> tuple[int, int, list[str]]:
    db.session.expire_all()
    return (
        db.session.scalar(sa.select(sa.func.count()).select_from(PaymentEvent)) or 0,
        db.session.scalar(sa.select(sa.func.count()).select_from(LedgerEntry)) or 0,
        [status.value for status in db.session.scalars(sa.select(Contribution.status))],
    )


def test_reconcile_run_twice_changes_nothing_the_second_time(client, stripe: StripeServer) -> None:
    contribute(client, "100.00")
    stripe.pay(session_of(contribution()))
    stripe.queued.clear()  # the webhook never reached us
    assert tasks.reconcile_stripe() is True
    first = _state()
    assert contribution().status is ContributionStatus.RECEIVED
    assert tasks.reconcile_stripe() is True
    assert _state() == first


def test_without_a_stripe_account_there_is_nothing_to_reconcile(app) -> None:
    assert tasks.reconcile_stripe() is None


def test_a_webhook_refused_is_counted(client, stripe: StripeServer) -> None:
    counter = metrics.WEBHOOK_FAILURES.labels("invalid signature")
    before = counter._value.get()
    answer = client.post("/fund/stripe/webhook", data=b"{}", headers={"Stripe-Signature": "t=1"})
    assert answer.status_code == 400
    assert counter._value.get() == before + 1
