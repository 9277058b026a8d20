"""reviews: the assessment is read by fund administrators only; a message to the State is its own field

Revision ID: 3c1a7e5d9b20
Revises: 15056b0a4fbb
Create Date: 2026-12-04 21:00:00

A comment that was not private had been shown to the State: it is copied into the message to the
State, so nothing the State could read disappears, and the assessment stays the administrators'.
"""

from alembic import op
import sqlalchemy as sa


revision = "3c1a7e5d9b20"
down_revision = "15056b0a4fbb"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("sponsorship_review", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("message_to_state", sa.Text(), server_default="", nullable=False)
        )
    op.execute(
        "UPDATE sponsorship_review SET message_to_state = comment "
        "WHERE private = false AND comment <> ''"
    )
    with op.batch_alter_table("sponsorship_review", schema=None) as batch_op:
        batch_op.drop_column("private")


def downgrade():
    with op.batch_alter_table("sponsorship_review", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("private", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
    op.execute(
        "UPDATE sponsorship_review SET private = false, "
        "comment = CASE WHEN comment = '' THEN message_to_state ELSE comment END "
        "WHERE message_to_state <> ''"
    )
    with op.batch_alter_table("sponsorship_review", schema=None) as batch_op:
        batch_op.drop_column("message_to_state")
