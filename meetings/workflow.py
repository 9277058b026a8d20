"""The one transition helper every workflow uses: meetings, credentials, registrations, and the
fund's and sponsorship's machines.

A workflow is a table of allowed moves, ``(from, to) -> the kinds of actor who may make it``,
declared once in its feature's service module. :meth:`Workflow.move` is the only way a state
changes: it reads the current state under a row lock (PostgreSQL; SQLite's transaction already
holds the write lock), checks the table and the actor, asks for a reason where one is required,
runs the workflow's own checks, sets the state, writes the audit entry and queues the
notification. ``updated_at`` is stamped by the model's ``TimestampMixin``.

``actor`` None is the system itself (demo data, a scheduled command): it may make any move that
is in the table, but never one that is not.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any, Generic, TypeVar

from flask_babel import gettext as _

from meetings.audit.services import record as audit
from meetings.auth.models import User
from meetings.errors import DomainError
from meetings.extensions import db
from meetings.labels import label

S = TypeVar("S", bound=Enum)
R = TypeVar("R")

# Kinds of actor are plain strings ("secretariat", "participant", "focal_point"…): each workflow
# says which kinds a user is for one record.
Kinds = frozenset[str]


def _default_refusal(current: str, target: str) -> str:
    return str(
        _("This cannot go from “%(current)s” to “%(target)s”.", current=current, target=target)
    )


def _default_not_allowed() -> str:
    return str(_("You may not make this change."))


def _default_reason_needed() -> str:
    return str(_("Give a reason."))


@dataclass(frozen=True)
class Workflow(Generic[S, R]):
    """One state machine. ``name`` prefixes its audit actions (``registration.accredited``)."""

    name: str
    table: Mapping[tuple[S, S], Kinds]
    kinds: Callable[[User, R], Kinds]
    attribute: str = "status"
    needs_reason: frozenset[S] = frozenset()
    # Messages, as functions so that they are translated when raised.
    refusal: Callable[[str, str], str] = _default_refusal
    not_allowed: Callable[[], str] = _default_not_allowed
    reason_needed: Callable[[], str] = _default_reason_needed
    reason_field: str = "reason"
    # Extra rules and side effects of a move, run after the table allowed it and before the state
    # changes: check_move(actor, record, source, target). Raise DomainError to refuse.
    check_move: Callable[[User | None, R, S, S], None] | None = None
    # Where a reason is kept on the record, when it is (e.g. "status_reason").
    reason_attribute: str | None = None
    # After the move: notify(record, source, target, reason) queues e-mail through the outbox.
    notify: Callable[[R, S, S, str], None] | None = None

    # --- reading -------------------------------------------------------------------------------

    def state_of(self, record: R) -> S:
        return getattr(record, self.attribute)  # type: ignore[no-any-return]

    def kinds_of(self, actor: User | None, record: R) -> Kinds:
        return frozenset() if actor is None else self.kinds(actor, record)

    def targets(self, actor: User | None, record: R) -> list[S]:
        """The states ``actor`` may move ``record`` to now (for the buttons on a page)."""
        current = self.state_of(record)
        kinds = self.kinds_of(actor, record)
        return [
            target
            for (source, target), who in self.table.items()
            if source is current and who & kinds
        ]

    def may(self, actor: User | None, record: R, target: S) -> bool:
        return target in self.targets(actor, record)

    def next_states(self, source: S) -> frozenset[S]:
        """Every state the table allows from ``source``, whoever may make the move."""
        return frozenset(target for (start, target) in self.table if start is source)

    # --- moving --------------------------------------------------------------------------------

    def lock(self, record: R) -> None:
        """Read the current state again under a row lock: of two people deciding at the same
        moment, the second sees the first one's decision."""
        if db.session.object_session(record) is not None and _persistent(record):
            db.session.refresh(record, attribute_names=[self.attribute], with_for_update=True)

    def move(self, actor: User | None, record: R, target: S, *, reason: str = "") -> S:
        """Move ``record`` to ``target``; returns the state it left."""
        self.lock(record)
        source = self.state_of(record)
        key = (source, target)
        if key not in self.table:
            raise DomainError(self.refusal(label(source), label(target)))
        if actor is not None and not self.table[key] & self.kinds(actor, record):
            raise DomainError(self.not_allowed())
        reason = (reason or "").strip()
        if target in self.needs_reason and not reason:
            raise DomainError(self.reason_needed(), field=self.reason_field)
        if self.check_move is not None:
            self.check_move(actor, record, source, target)
        setattr(record, self.attribute, target)
        if self.reason_attribute is not None:
            setattr(record, self.reason_attribute, reason or None)
        db.session.flush()
        audit(
            actor,
            f"{self.name}.{target.value}",
            record,
            before={self.attribute: source},
            after={self.attribute: target},
            reason=reason or None,
        )
        if self.notify is not None:
            self.notify(record, source, target, reason)
        return source


def _persistent(record: Any) -> bool:
    import sqlalchemy as sa

    return sa.inspect(record).persistent  # type: ignore[no-any-return]


def by_permission(**kinds: Any) -> Callable[[User, Any], Kinds]:
    """``kinds`` for a workflow whose actors are told apart by permission alone:
    ``by_permission(secretariat=Permission.MANAGE_SCHEDULE)``."""
    from meetings.auth.permissions import has_permission

    def resolve(actor: User, _record: Any) -> Kinds:
        return frozenset(kind for kind, needed in kinds.items() if has_permission(actor, needed))

    return resolve
