"""How outbox states are named on screen (translatable)."""

from flask_babel import lazy_gettext as _l

from meetings.labels import labels
from meetings.mail import OutboxStatus

OUTBOX_STATUS_LABELS = labels(
    OutboxStatus,
    {
        OutboxStatus.PENDING: _l("Waiting to be sent"),
        OutboxStatus.SENT: _l("Sent"),
        OutboxStatus.FAILED: _l("Failed"),
    },
)
