"""The fund: Stripe webhooks processed per second (a signed event in, a ledger entry out), and the
fund page and a donor's statement at 10 and 10,000 contributions, against bare Flask in the same
run."""

from __future__ import annotations

import json
import time

import stripe

from bench.support import bare_flask_ms, bench_app, counted, loopback_stripe, table, timed
from meetings.auth import services as accounts
from meetings.auth.models import Role
from meetings.extensions import db
from meetings.fund import checkout
from meetings.fund.donors import DonorData, create_donor
from meetings.fund.models import Contribution, DonorKind
from meetings.money import Money
from tests.factories.fund import bulk_contributions

PASSWORD = "benchmark password"
SECRET = "whsec_benchmark"
EVENTS = 300


def signed_event(
    contribution_id: int, amount: int, number: str, secret: str = SECRET
) -> tuple[str, str]:
    """A signed checkout.session.completed event paying ``contribution_id`` (``amount`` cents):
    the Stripe-Signature header and the body."""
    event = {
        "id": f"evt_bench_{number}",
        "object": "event",
        "type": "checkout.session.completed",
        "created": int(time.time()),
        "livemode": False,
        "data": {
            "object": {
                "id": f"cs_bench_{number}",
                "object": "checkout.session",
                "amount_total": amount,
                "currency": "usd",
                "metadata": {"contribution": str(contribution_id)},
                "client_reference_id": str(contribution_id),
                "payment_intent": f"pi_bench_{number}",
                "payment_status": "paid",
                "status": "complete",
            }
        },
    }
    payload = json.dumps(event)
    return stripe.WebhookSignature.generate_signature_header(payload, secret), payload


def _event(contribution: Contribution, number: int) -> tuple[bytes, dict[str, str]]:
    signature, payload = signed_event(contribution.id, contribution.amount.amount, str(number))
    return payload.encode(), {"Stripe-Signature": signature, "Content-Type": "application/json"}


def main() -> None:
    app = bench_app()
    app.config.update(
        STRIPE_SECRET_KEY="sk_test_bench",
        STRIPE_WEBHOOK_SECRET=SECRET,
        STRIPE_API_BASE=loopback_stripe(),
    )
    with app.app_context():
        donor = create_donor(None, DonorData(kind=DonorKind.ORGANISATION, name="Bench donor"))
        pending = [
            checkout.pending_card_payment(None, donor, Money(10_000 + n, "USD"), f"{n:040d}")
            for n in range(EVENTS)
        ]
        requests = [_event(c, n) for n, c in enumerate(pending)]
        user = accounts.register_user(email="fund@example.org", password=PASSWORD, full_name="F")
        accounts.grant_role(None, user, Role.FUND_ADMINISTRATOR)
        db.session.commit()
        donor_id = donor.id
        engine = db.engine
    client = app.test_client()
    baseline = bare_flask_ms()

    remaining = iter(requests)

    def deliver() -> None:
        payload, headers = next(remaining)
        assert client.post("/fund/stripe/webhook", data=payload, headers=headers).status_code == 200

    webhook_ms = timed(deliver, EVENTS)
    rows = [
        ["bare Flask endpoint (baseline)", f"{baseline:.2f}", f"{1000 / baseline:,.0f}", "100 %"],
        [
            "Stripe webhook, new signed event → ledger entry",
            f"{webhook_ms:.2f}",
            f"{1000 / webhook_ms:,.0f}",
            f"{baseline / webhook_ms:.1%}",
        ],
    ]

    client.post(
        "/login",
        data={"email": "fund@example.org", "password": PASSWORD, "csrf_token": _csrf(app, client)},
    )
    queries = []
    for total in (10, 10_000):
        with app.app_context():
            have = db.session.query(Contribution).count()
            bulk_contributions(max(0, total - have), donors=20)
        counts, times = [], []
        for url in ("/fund", f"/fund/statements/{donor_id}/2018", "/fund/public"):
            assert client.get(url).status_code == 200, url
            with counted(engine) as statements:
                client.get(url)
            counts.append(len(statements))
            times.append(timed(lambda url=url: client.get(url), 10))
        queries.append([f"{total:,}", *counts, *(f"{t:.1f}" for t in times)])
    table(
        "Fund (median ms; requests per second in one process)",
        ["request", "ms", "req/s", "share of bare Flask"],
        rows,
    )
    table(
        "Fund pages: queries and median ms (target: the same queries at 10 and 10,000)",
        [
            "contributions",
            "fund page q",
            "statement q",
            "public q",
            "fund ms",
            "statement ms",
            "public ms",
        ],
        queries,
    )


def _csrf(app, client) -> str:  # type: ignore[no-untyped-def]
    import secrets

    from itsdangerous import URLSafeTimedSerializer

    with client.session_transaction() as session:
        raw = session.setdefault("csrf_token", secrets.token_hex(20))
    return str(URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").dumps(raw))


if __name__ == "__main__":
    main()
