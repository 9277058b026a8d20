"""The migration that put payments behind a provider interface moves what the old columns held:
every Stripe id into ``payment_reference``, each dispute into ``dispute``, the Stripe events into
``payment_event``, monthly rates into rates in force from the first of their month; a refund
pending at Stripe is held back from the available balance from then on."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from meetings.extensions import db
from meetings.fund import ledger
from meetings.fund.models import (
    Contribution,
    Dispute,
    DisputeStatus,
    PaymentEvent,
    PaymentReference,
    ReferenceKind,
    Refund,
)
from meetings.money import Money
from meetings.reference.services import load_reference_data
from tests.conftest import make_app

BEFORE = "850c8c0d493e"
NOW = datetime(2018, 6, 1, 12, tzinfo=UTC)


def _old_rows() -> None:
    """A card gift of USD 100 with its Stripe ids, a pending refund of 40 and a lost dispute of
    another gift, as the old columns held them."""
    sql = db.session.execute
    naive = NOW.replace(tzinfo=None) if db.engine.dialect.name == "sqlite" else NOW
    sql(
        sa.text(
            "INSERT INTO donor (id, kind, name, is_anonymous, created_at, updated_at) "
            "VALUES (1, 'person', 'Ana', :false, :now, :now)"
        ),
        {"now": naive, "false": False},
    )
    for number, status, dispute in ((1, "partly_refunded", None), (2, "dispute_lost", "dp_2")):
        sql(
            sa.text(
                "INSERT INTO contribution (id, donor_id, amount_minor, currency, "
                "usd_amount_minor, units_per_usd, rate_month, value_date, method, status, "
                "reference, stripe_checkout_session_id, stripe_payment_intent_id, "
                "stripe_charge_id, stripe_dispute_id, dispute_open, receipt_number, "
                "received_at, created_at, updated_at) VALUES (:id, 1, 10000, 'USD', 10000, "
                "'1', :month, :day, 'stripe', :status, '', :cs, :pi, :ch, :dp, :false, :id, "
                ":now, :now, :now)"
            ),
            {
                "id": number,
                "status": status,
                "month": date(2018, 6, 1),
                "day": date(2018, 6, 1),
                "cs": f"cs_{number}",
                "pi": f"pi_{number}",
                "ch": f"ch_{number}",
                "dp": dispute,
                "now": naive,
                "false": False,
            },
        )
        sql(
            sa.text(
                "INSERT INTO ledger_entry (sequence, kind, usd_amount_minor, contribution_id, "
                "source, description, occurred_on, recorded_at) VALUES (:id, "
                "'contribution_received', 10000, :id, :source, 'Ana', :day, :now)"
            ),
            {
                "id": number,
                "source": f"contribution:{number}:received",
                "day": date(2018, 6, 1),
                "now": naive,
            },
        )
    sql(
        sa.text(
            "INSERT INTO refund (id, contribution_id, amount_minor, currency, status, "
            "stripe_refund_id, reason, created_at, updated_at) VALUES (1, 1, 4000, 'USD', "
            "'pending', 're_1', 'asked', :now, :now)"
        ),
        {"now": naive},
    )
    sql(
        sa.text(
            "INSERT INTO stripe_event (id, type, livemode, created, received_at, outcome, "
            "message, contribution_id, payload) VALUES ('evt_1', 'checkout.session.completed', "
            ":false, :now, :now, 'processed', 'contribution 1: received', 1, '{}')"
        ),
        {"now": naive, "false": False},
    )
    sql(
        sa.text(
            "INSERT INTO exchange_rate (currency, month, units_per_usd, recorded_at) "
            "VALUES ('EUR', :month, '0.85', :now)"
        ),
        {"month": date(2018, 6, 1), "now": naive},
    )


@pytest.mark.no_test_transaction
def test_the_migration_moves_what_the_old_columns_held(tmp_path: Path, empty_database: str) -> None:
    app = make_app(empty_database, tmp_path / "instance")
    with app.app_context():
        try:
            upgrade(revision=BEFORE)
            load_reference_data()
            _old_rows()
            db.session.commit()
            upgrade()
            references = {
                (r.kind, r.reference): r for r in db.session.scalars(sa.select(PaymentReference))
            }
            assert set(references) == {
                (ReferenceKind.CHECKOUT_SESSION, "cs_1"),
                (ReferenceKind.PAYMENT_INTENT, "pi_1"),
                (ReferenceKind.CHARGE, "ch_1"),
                (ReferenceKind.CHECKOUT_SESSION, "cs_2"),
                (ReferenceKind.PAYMENT_INTENT, "pi_2"),
                (ReferenceKind.CHARGE, "ch_2"),
                (ReferenceKind.DISPUTE, "dp_2"),
                (ReferenceKind.REFUND, "re_1"),
            }
            assert references[(ReferenceKind.REFUND, "re_1")].refund_id == 1
            [dispute] = db.session.scalars(sa.select(Dispute)).all()
            assert (dispute.contribution_id, dispute.status) == (2, DisputeStatus.LOST)
            assert references[(ReferenceKind.DISPUTE, "dp_2")].dispute_id == dispute.id
            event = db.session.get(PaymentEvent, "evt_1")
            assert (event.provider.value, event.contribution_id) == ("stripe", 1)
            refund = db.session.get(Refund, 1)
            assert refund.held_usd_minor == 4_000
            assert ledger.balances().held == Money(4_000, "USD")
            assert db.session.get(Contribution, 1).rate_date == date(2018, 6, 1)
            effective = db.session.scalar(sa.text("SELECT effective_from FROM exchange_rate"))
            assert str(effective) == "2018-06-01"
        finally:
            db.session.remove()
            db.engine.dispose()
