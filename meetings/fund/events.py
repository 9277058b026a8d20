"""The events payment providers send: each stored once by its id, with what we did with it, and
applied once — also when the same event arrives twice at the same moment. A signed body that is
not an event we can read is kept too (answered 400), for an administrator to look at."""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError

from meetings import clock
from meetings.extensions import db
from meetings.fund.models import EventOutcome, PaymentEvent
from meetings.fund.payments import IgnoredEvent, PaymentProvider

log = logging.getLogger(__name__)


def _store(event: PaymentEvent) -> PaymentEvent | None:
    """Insert ``event``; None when an event of the same id is there already (perhaps stored a
    moment ago by another delivery of the same event)."""
    try:
        with db.session.begin_nested():
            db.session.add(event)
    except IntegrityError:
        return None
    return event


def receive(provider: PaymentProvider, event: dict[str, Any]) -> PaymentEvent:
    """Apply ``event`` once. Returns its stored record (the earlier one for a repeat). Anything
    but an event to ignore propagates, so that nothing is stored and the provider sends it
    again."""
    event_id = str(event.get("id") or "")
    previous = db.session.get(PaymentEvent, event_id)
    if previous is not None:
        return previous
    stored = _store(
        PaymentEvent(
            id=event_id,
            provider=provider.method,
            type=str(event.get("type") or "")[:100],
            livemode=bool(event.get("livemode")),
            created=datetime.fromtimestamp(int(event.get("created") or 0), tz=UTC),
            outcome=EventOutcome.PROCESSED,
            api_version=str(event.get("api_version") or "")[:40],
            payload=event,
        )
    )
    if stored is None:
        found = db.session.get(PaymentEvent, event_id)
        assert found is not None
        return found
    try:
        contribution, message = provider.apply_event(event)
    except IgnoredEvent as ignored:
        stored.outcome = EventOutcome.IGNORED
        stored.message = str(ignored)
        log.warning("%s event %s ignored: %s", provider.method.value, event_id, stored.message)
        db.session.flush()
        return stored
    stored.contribution_id = contribution.id if contribution is not None else None
    stored.message = message
    db.session.flush()
    return stored


def reject(provider: PaymentProvider, payload: bytes, reason: str) -> PaymentEvent:
    """Keep a signed body we cannot read, once per body, for an administrator."""
    digest = hashlib.sha256(payload).hexdigest()
    event_id = f"rejected-{digest[:48]}"
    previous = db.session.get(PaymentEvent, event_id)
    if previous is not None:
        return previous
    text = payload.decode("utf-8", errors="replace")[:20_000]
    stored = _store(
        PaymentEvent(
            id=event_id,
            provider=provider.method,
            type="",
            livemode=False,
            created=clock.now(),
            outcome=EventOutcome.REJECTED,
            message=reason[:2000],
            payload={"body": text},
        )
    )
    log.error("%s webhook body rejected: %s", provider.method.value, reason)
    return stored or db.session.get(PaymentEvent, event_id)  # type: ignore[return-value]
