"""grounds passes: a short code typed at the check-in desk, and when each pass was printed

Revision ID: 7b2d4e6f8a10
Revises: 3c1a7e5d9b20
Create Date: 2026-12-05 09:00:00

Registrations accredited before this revision get their code here, derived from the secret key
exactly as meetings.registration.badges.badge_code_for derives it (written out, so that this
migration does not change when the application does).
"""

import hashlib
import hmac

import sqlalchemy as sa
from alembic import op
from flask import current_app

revision = "7b2d4e6f8a10"
down_revision = "3c1a7e5d9b20"
branch_labels = None
depends_on = None

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def _code(key: str, registration_id: int, meeting_id: int, attempt: int = 0) -> str:
    digest = hmac.new(
        key.encode(), f"badge:{registration_id}:{meeting_id}:{attempt}".encode(), hashlib.sha256
    ).digest()
    number = int.from_bytes(digest[:5], "big")
    return "".join(ALPHABET[(number >> (5 * (7 - i))) & 31] for i in range(8))


def upgrade():
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.add_column(sa.Column("badge_code", sa.String(length=8), nullable=True))
        batch_op.add_column(
            sa.Column("badge_printed_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("badge_print_count", sa.Integer(), server_default="0", nullable=False)
        )
    connection = op.get_bind()
    key = current_app.config["SECRET_KEY"]
    rows = connection.execute(
        sa.text("SELECT id, meeting_id FROM registration WHERE status = 'accredited'")
    ).all()
    taken: set[tuple[int, str]] = set()
    for registration_id, meeting_id in rows:
        attempt = 0
        while (meeting_id, code := _code(key, registration_id, meeting_id, attempt)) in taken:
            attempt += 1
        taken.add((meeting_id, code))
        connection.execute(
            sa.text("UPDATE registration SET badge_code = :code WHERE id = :id"),
            {"code": code, "id": registration_id},
        )
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            "uq_registration_meeting_id_badge_code", ["meeting_id", "badge_code"]
        )
        batch_op.create_check_constraint(
            "ck_registration_badge_print_count_not_negative", "badge_print_count >= 0"
        )


def downgrade():
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.drop_constraint("ck_registration_badge_print_count_not_negative", type_="check")
        batch_op.drop_constraint("uq_registration_meeting_id_badge_code", type_="unique")
        batch_op.drop_column("badge_print_count")
        batch_op.drop_column("badge_printed_at")
        batch_op.drop_column("badge_code")
