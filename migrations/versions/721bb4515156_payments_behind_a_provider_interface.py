"""payments behind a provider interface: the providers' references, movements and events in their
own tables (existing Stripe ids moved there), disputes as records, refund holds, provider fees,
exchange differences and earmarks in the ledger, and rate revisions within a month

Revision ID: 721bb4515156
Revises: 850c8c0d493e
Create Date: 2026-12-04 18:41:41.373196

"""

from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa

import meetings.db


# revision identifiers, used by Alembic.
revision = "721bb4515156"
down_revision = "850c8c0d493e"
branch_labels = None
depends_on = None


LEDGER_KINDS = (
    "contribution_received",
    "refund",
    "refund_returned",
    "refund_held",
    "refund_hold_released",
    "dispute_withdrawn",
    "dispute_reversed",
    "payment_fee",
    "payment_fee_returned",
    "exchange_gain",
    "exchange_loss",
    "award_committed",
    "commitment_released",
    "disbursement",
    "support_cost",
)
OLD_LEDGER_KINDS = (
    "contribution_received",
    "refund",
    "dispute_withdrawn",
    "dispute_reversed",
    "award_committed",
    "commitment_released",
    "disbursement",
    "support_cost",
)

# The ledger's append-only triggers (as in d6e0df27add7). SQLite alters a table by copying it,
# which leaves its triggers behind: they are dropped before and made again after.
SQLITE_TRIGGERS = [
    "CREATE TRIGGER ledger_entry_no_update BEFORE UPDATE ON ledger_entry "
    "BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END",
    "CREATE TRIGGER ledger_entry_no_delete BEFORE DELETE ON ledger_entry "
    "BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END",
]
SQLITE_DROP_TRIGGERS = [
    "DROP TRIGGER IF EXISTS ledger_entry_no_update",
    "DROP TRIGGER IF EXISTS ledger_entry_no_delete",
]


def _in(column, values):
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _new_tables():
    op.create_table(
        "dispute",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contribution_id", sa.Integer(), nullable=False),
        sa.Column("amount_minor", meetings.db.MinorUnits(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "inquiry",
                "open",
                "won",
                "lost",
                "closed",
                name="dispute_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.String(length=60), nullable=False),
        sa.Column("closed_at", meetings.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", meetings.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", meetings.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount_minor > 0", name=op.f("ck_dispute_amount_positive")),
        sa.ForeignKeyConstraint(
            ["contribution_id"],
            ["contribution.id"],
            name=op.f("fk_dispute_contribution_id_contribution"),
        ),
        sa.ForeignKeyConstraint(
            ["currency"], ["currency.code"], name=op.f("fk_dispute_currency_currency")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispute")),
    )
    with op.batch_alter_table("dispute", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dispute_contribution_id"), ["contribution_id"], unique=False
        )

    op.create_table(
        "payment_event",
        sa.Column("id", sa.String(length=255), nullable=False),
        sa.Column(
            "provider",
            sa.Enum(
                "stripe",
                "bank_transfer",
                name="payment_method",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("type", sa.String(length=100), nullable=False),
        sa.Column("livemode", sa.Boolean(), nullable=False),
        sa.Column("created", meetings.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("received_at", meetings.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum(
                "processed",
                "ignored",
                "failed",
                "rejected",
                name="event_outcome",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("api_version", sa.String(length=40), nullable=False),
        sa.Column("contribution_id", sa.Integer(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contribution_id"],
            ["contribution.id"],
            name=op.f("fk_payment_event_contribution_id_contribution"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_event")),
    )
    with op.batch_alter_table("payment_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_payment_event_contribution_id"), ["contribution_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_payment_event_received_at"), ["received_at"], unique=False
        )

    op.create_table(
        "payment_movement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "provider",
            sa.Enum(
                "stripe",
                "bank_transfer",
                name="payment_method",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("reference", sa.String(length=255), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "payment",
                "refund",
                "refund_failure",
                "dispute_withdrawal",
                "dispute_reinstatement",
                name="movement_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("contribution_id", sa.Integer(), nullable=False),
        sa.Column("refund_id", sa.Integer(), nullable=True),
        sa.Column("dispute_id", sa.Integer(), nullable=True),
        sa.Column("gross_minor", meetings.db.MinorUnits(), nullable=False),
        sa.Column("fee_minor", meetings.db.MinorUnits(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("exchange_rate", meetings.db.ExactDecimal(length=40), nullable=True),
        sa.Column("booked_usd_minor", meetings.db.MinorUnits(), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", meetings.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contribution_id"],
            ["contribution.id"],
            name=op.f("fk_payment_movement_contribution_id_contribution"),
        ),
        sa.ForeignKeyConstraint(
            ["currency"], ["currency.code"], name=op.f("fk_payment_movement_currency_currency")
        ),
        sa.ForeignKeyConstraint(
            ["dispute_id"], ["dispute.id"], name=op.f("fk_payment_movement_dispute_id_dispute")
        ),
        sa.ForeignKeyConstraint(
            ["refund_id"], ["refund.id"], name=op.f("fk_payment_movement_refund_id_refund")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_movement")),
        sa.UniqueConstraint(
            "provider", "reference", name=op.f("uq_payment_movement_provider_reference")
        ),
    )
    with op.batch_alter_table("payment_movement", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_payment_movement_contribution_id"), ["contribution_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_payment_movement_occurred_on"), ["occurred_on"], unique=False
        )

    op.create_table(
        "payment_reference",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "provider",
            sa.Enum(
                "stripe",
                "bank_transfer",
                name="payment_method",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "kind",
            sa.Enum(
                "checkout_session",
                "payment_intent",
                "charge",
                "refund",
                "dispute",
                name="reference_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("reference", sa.String(length=255), nullable=False),
        sa.Column("contribution_id", sa.Integer(), nullable=False),
        sa.Column("refund_id", sa.Integer(), nullable=True),
        sa.Column("dispute_id", sa.Integer(), nullable=True),
        sa.Column("created_at", meetings.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contribution_id"],
            ["contribution.id"],
            name=op.f("fk_payment_reference_contribution_id_contribution"),
        ),
        sa.ForeignKeyConstraint(
            ["dispute_id"], ["dispute.id"], name=op.f("fk_payment_reference_dispute_id_dispute")
        ),
        sa.ForeignKeyConstraint(
            ["refund_id"], ["refund.id"], name=op.f("fk_payment_reference_refund_id_refund")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_reference")),
        sa.UniqueConstraint(
            "provider", "reference", name=op.f("uq_payment_reference_provider_reference")
        ),
    )
    with op.batch_alter_table("payment_reference", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_payment_reference_contribution_id"), ["contribution_id"], unique=False
        )


def _move_rows():
    """The Stripe ids, disputes and events the old columns held, into the new tables."""
    bind = op.get_bind()
    now = (
        datetime.now(UTC).replace(tzinfo=None)
        if bind.dialect.name == "sqlite"
        else datetime.now(UTC)
    )
    references = sa.table(
        "payment_reference",
        sa.column("provider"),
        sa.column("kind"),
        sa.column("reference"),
        sa.column("contribution_id"),
        sa.column("refund_id"),
        sa.column("dispute_id"),
        sa.column("created_at"),
    )
    disputes = sa.table(
        "dispute",
        sa.column("id"),
        sa.column("contribution_id"),
        sa.column("amount_minor"),
        sa.column("currency"),
        sa.column("status"),
        sa.column("reason"),
        sa.column("closed_at"),
        sa.column("created_at"),
        sa.column("updated_at"),
    )
    rows = (
        bind.execute(
            sa.text(
                "SELECT id, amount_minor, currency, status, stripe_checkout_session_id, "
                "stripe_payment_intent_id, stripe_charge_id, stripe_dispute_id, dispute_open "
                "FROM contribution WHERE method = 'stripe'"
            )
        )
        .mappings()
        .all()
    )
    for row in rows:
        for kind, column in (
            ("checkout_session", "stripe_checkout_session_id"),
            ("payment_intent", "stripe_payment_intent_id"),
            ("charge", "stripe_charge_id"),
        ):
            if row[column]:
                bind.execute(
                    references.insert().values(
                        provider="stripe",
                        kind=kind,
                        reference=row[column],
                        contribution_id=row["id"],
                        created_at=now,
                    )
                )
        if row["stripe_dispute_id"]:
            status = (
                "open"
                if row["dispute_open"]
                else ("lost" if row["status"] == "dispute_lost" else "won")
            )
            dispute_id = bind.execute(
                disputes.insert()
                .values(
                    contribution_id=row["id"],
                    amount_minor=row["amount_minor"],
                    currency=row["currency"],
                    status=status,
                    reason="",
                    closed_at=None if status == "open" else now,
                    created_at=now,
                    updated_at=now,
                )
                .returning(disputes.c.id)
            ).scalar_one()
            bind.execute(
                references.insert().values(
                    provider="stripe",
                    kind="dispute",
                    reference=row["stripe_dispute_id"],
                    contribution_id=row["id"],
                    dispute_id=dispute_id,
                    created_at=now,
                )
            )
    for refund in (
        bind.execute(
            sa.text(
                "SELECT id, contribution_id, stripe_refund_id FROM refund "
                "WHERE stripe_refund_id IS NOT NULL"
            )
        )
        .mappings()
        .all()
    ):
        bind.execute(
            references.insert().values(
                provider="stripe",
                kind="refund",
                reference=refund["stripe_refund_id"],
                contribution_id=refund["contribution_id"],
                refund_id=refund["id"],
                created_at=now,
            )
        )
    bind.execute(
        sa.text(
            "INSERT INTO payment_event (id, provider, type, livemode, created, received_at, "
            "outcome, message, api_version, contribution_id, payload) "
            "SELECT id, 'stripe', type, livemode, created, received_at, outcome, message, '', "
            "contribution_id, payload FROM stripe_event"
        )
    )


def _hold_pending_refunds():
    """Refunds asked for and not yet confirmed are held back from the available balance from
    now on (as the refund service does for every new one): one entry each, appended."""
    bind = op.get_bind()
    pending = (
        bind.execute(
            sa.text(
                "SELECT r.id, r.amount_minor, r.currency, r.reason, c.usd_amount_minor, c.amount_minor "
                "AS total FROM refund r JOIN contribution c ON c.id = r.contribution_id "
                "WHERE r.status = 'pending' AND c.usd_amount_minor IS NOT NULL ORDER BY r.id"
            )
        )
        .mappings()
        .all()
    )
    sequence = bind.execute(
        sa.text("SELECT COALESCE(MAX(sequence), 0) FROM ledger_entry")
    ).scalar_one()
    today = datetime.now(UTC).date()
    now = (
        datetime.now(UTC).replace(tzinfo=None)
        if bind.dialect.name == "sqlite"
        else datetime.now(UTC)
    )
    for refund in pending:
        hold = max(1, -((-refund["usd_amount_minor"] * refund["amount_minor"]) // refund["total"]))
        sequence += 1
        bind.execute(
            sa.text(
                "INSERT INTO ledger_entry (sequence, kind, usd_amount_minor, original_amount_minor, "
                "original_currency, refund_id, source, description, occurred_on, recorded_at) "
                "VALUES (:sequence, 'refund_held', :usd, :amount, :currency, :refund, :source, "
                ":description, :day, :now)"
            ),
            {
                "sequence": sequence,
                "usd": hold,
                "amount": refund["amount_minor"],
                "currency": refund["currency"],
                "refund": refund["id"],
                "source": f"refund:{refund['id']}:held",
                "description": (refund["reason"] or "")[:300],
                "day": today,
                "now": now,
            },
        )
        bind.execute(
            sa.text("UPDATE refund SET held_usd_minor = :hold WHERE id = :id"),
            {"hold": hold, "id": refund["id"]},
        )
    # What a succeeded refund was booked at.
    bind.execute(
        sa.text(
            "UPDATE refund SET usd_amount_minor = (SELECT SUM(e.usd_amount_minor) FROM ledger_entry e "
            "WHERE e.refund_id = refund.id AND e.kind = 'refund') WHERE status = 'succeeded'"
        )
    )


def upgrade():
    sqlite = op.get_bind().dialect.name == "sqlite"
    _new_tables()
    with op.batch_alter_table("refund", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "held_usd_minor", meetings.db.MinorUnits(), nullable=False, server_default="0"
            )
        )
        batch_op.add_column(sa.Column("usd_amount_minor", meetings.db.MinorUnits(), nullable=True))
        batch_op.add_column(sa.Column("failure_reason", sa.Text(), nullable=True))
    with op.batch_alter_table("contribution", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rate_date", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("settled_at", meetings.db.UTCDateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("exchange_rate", schema=None) as batch_op:
        batch_op.add_column(sa.Column("effective_from", sa.Date(), nullable=True))

    _move_rows()
    op.execute("UPDATE contribution SET rate_date = rate_month")
    # A bank transfer has no fee on the way; a card payment's fee is read by `flask fund reconcile`.
    op.execute("UPDATE contribution SET settled_at = received_at WHERE method = 'bank_transfer'")
    op.execute("UPDATE exchange_rate SET effective_from = month")

    with op.batch_alter_table("contribution", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_contribution_stripe_charge_id"), type_="unique")
        batch_op.drop_constraint(
            batch_op.f("uq_contribution_stripe_checkout_session_id"), type_="unique"
        )
        batch_op.drop_constraint(
            batch_op.f("uq_contribution_stripe_payment_intent_id"), type_="unique"
        )
        batch_op.drop_column("rate_month")
        batch_op.drop_column("stripe_checkout_session_id")
        batch_op.drop_column("stripe_payment_intent_id")
        batch_op.drop_column("stripe_charge_id")
        batch_op.drop_column("dispute_open")
        batch_op.drop_column("stripe_dispute_id")

    with op.batch_alter_table("exchange_rate", schema=None) as batch_op:
        batch_op.alter_column("effective_from", existing_type=sa.Date(), nullable=False)
        batch_op.drop_constraint(batch_op.f("uq_exchange_rate_currency_month"), type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_exchange_rate_currency_effective_from"), ["currency", "effective_from"]
        )
        batch_op.drop_column("month")

    with op.batch_alter_table("stripe_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stripe_event_contribution_id"))
        batch_op.drop_index(batch_op.f("ix_stripe_event_received_at"))
    op.drop_table("stripe_event")

    with op.batch_alter_table("refund", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_refund_stripe_refund_id"), type_="unique")
        batch_op.drop_column("stripe_refund_id")
        batch_op.drop_constraint(batch_op.f("ck_refund_refund_status"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_refund_refund_status"),
            _in("status", ("pending", "succeeded", "failed", "canceled")),
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_refund_held_not_negative"), "held_usd_minor >= 0"
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_refund_usd_not_negative"),
            "usd_amount_minor IS NULL OR usd_amount_minor >= 0",
        )
        batch_op.alter_column(
            "held_usd_minor", existing_type=meetings.db.MinorUnits(), server_default=None
        )

    if sqlite:
        for statement in SQLITE_DROP_TRIGGERS:
            op.execute(statement)
    with op.batch_alter_table("ledger_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dispute_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("earmark_meeting_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("earmark_process_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_ledger_entry_dispute_id_dispute"), "dispute", ["dispute_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_ledger_entry_earmark_meeting_id_meeting"),
            "meeting",
            ["earmark_meeting_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_ledger_entry_earmark_process_id_process"),
            "process",
            ["earmark_process_id"],
            ["id"],
        )
        batch_op.drop_constraint(batch_op.f("ck_ledger_entry_ledger_kind"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_ledger_entry_ledger_kind"), _in("kind", LEDGER_KINDS)
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_ledger_entry_one_earmark"),
            "earmark_meeting_id IS NULL OR earmark_process_id IS NULL",
        )
    if sqlite:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)
    _hold_pending_refunds()


def downgrade():
    raise NotImplementedError(
        "The providers' references, movements, refund holds and fees cannot be folded back into "
        "the old columns without losing them: restore the backup taken before upgrading."
    )
