"""What administrators may see and do with the outbox."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from meetings import clock
from meetings.audit.services import record
from meetings.auth.models import User
from meetings.auth.permissions import Permission, require
from meetings.errors import DomainError, NotFound
from meetings.extensions import db
from meetings.mail import OutboxMessage, OutboxStatus
from meetings.pagination import Page, paginate


def counts(actor: User) -> dict[OutboxStatus, int]:
    require(actor, Permission.MANAGE_USERS)
    rows = db.session.execute(
        sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status)
    ).all()
    found = {status: int(n) for status, n in rows}
    return {status: found.get(status, 0) for status in OutboxStatus}


def messages(
    actor: User, status: OutboxStatus, *, page: int, per_page: int = 50
) -> Page[OutboxMessage]:
    """Messages in one state, the ones that need attention first: failed and pending by when
    they were written (oldest first), sent ones newest first."""
    require(actor, Permission.MANAGE_USERS)
    order = OutboxMessage.id.desc() if status is OutboxStatus.SENT else OutboxMessage.id.asc()
    query = sa.select(OutboxMessage).where(OutboxMessage.status == status).order_by(order)
    return paginate(query, page=page, per_page=per_page)


def send_again(actor: User, message_id: int) -> OutboxMessage:
    """Put a failed (or waiting) message back in line to be sent at the worker's next look."""
    require(actor, Permission.MANAGE_USERS)
    row = db.session.get(OutboxMessage, message_id, with_for_update=True)
    if row is None:
        raise NotFound(_("There is no such message."))
    if row.status is OutboxStatus.SENT:
        raise DomainError(_("This message was sent; there is nothing to send again."))
    before = {"status": row.status, "attempts": row.attempts}
    row.status = OutboxStatus.PENDING
    row.attempts = 0
    row.next_attempt_at = clock.now()
    row.leased_until = None
    db.session.flush()
    record(actor, "outbox_message.sent_again", row, before=before, after={"status": row.status})
    return row
