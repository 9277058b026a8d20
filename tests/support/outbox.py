"""The tests' view of sent mail: reading it runs the outbox worker once, within the test's own
transaction, over the messages whose transaction committed (as ``flask mail worker`` would see
them), then shows what the memory backend received."""

from __future__ import annotations

from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from meetings.db import AfterCommit
from meetings.extensions import db, mail
from meetings.mail import OutboxMessage, deliver_due

committed: set[int] = set()
_tracker: AfterCommit[int] = AfterCommit(
    "test_outbox", lambda ids: committed.update(ids), lambda _ids: None
)


@sa.event.listens_for(Session, "pending_to_persistent")
def _written(session: Session, instance: Any) -> None:
    if isinstance(instance, OutboxMessage):
        _tracker.add(session, instance.id)


class Outbox:
    def _messages(self) -> list[EmailMessage]:
        if committed:
            deliver_due(db.session, db.session.flush, only=set(committed))
            committed.clear()
        return mail.outbox

    def __iter__(self) -> Iterator[EmailMessage]:
        return iter(list(self._messages()))

    def __len__(self) -> int:
        return len(self._messages())

    def __getitem__(self, index: int) -> EmailMessage:
        return self._messages()[index]

    def __bool__(self) -> bool:
        return bool(self._messages())

    def __eq__(self, other: object) -> bool:
        return list(self._messages()) == other

    def clear(self) -> None:
        self._messages()
        mail.outbox.clear()

    def __repr__(self) -> str:
        return repr(self._messages())
