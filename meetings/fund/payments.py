"""Payment providers behind one small interface, as mail is behind ``MailBackend``.

A provider carries money to the fund and back: it opens a checkout for a donor, makes refunds,
tells us what happened through signed events, and can be asked again when events were lost. The
fund's rules (what is received, held back, booked, and when) are the same whichever provider
carried the money; a provider only turns its own objects into the facts the fund's services take
(:mod:`meetings.fund.contributions`, :mod:`meetings.fund.refunds`, :mod:`meetings.fund.disputes`,
:mod:`meetings.fund.settlement`). Its identifiers are kept in ``payment_reference``.

Two providers exist: Stripe (card payments, :mod:`meetings.fund.stripe`), and bank transfers
(:mod:`meetings.fund.bank`), which fund administrators record by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from flask import Flask, current_app

from meetings.fund.models import Contribution, PaymentMethod, Refund
from meetings.money import Money


class InvalidEvent(Exception):
    """Not signed by the provider (or too old, or signed for someone else): answered 400 and
    never stored."""


class MalformedEvent(Exception):
    """Signed by the provider, but not an event we can read: answered 400 and kept for an
    administrator."""


class IgnoredEvent(Exception):
    """An event we store and do nothing with; the message says why."""


class UnknownPayment(IgnoredEvent):
    """The event concerns no contribution of ours (another integration, a deleted test)."""


@dataclass
class ReconcileReport:
    """What reconciling with a provider did, in lines an operator reads."""

    events_seen: int = 0
    events_applied: list[str] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)
    settled: list[int] = field(default_factory=list)
    fees_read: list[int] = field(default_factory=list)
    refunds_settled: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class PaymentProvider(Protocol):
    method: PaymentMethod
    # Refunds are made at once (the fund's bank, by hand) rather than confirmed later.
    refunds_at_once: bool

    def configured(self) -> bool:
        """Whether donors may pay through this provider now."""
        ...

    def check_amount(self, amount: Money) -> None:
        """DomainError (beside the amount) for an amount the provider cannot charge."""
        ...

    def start_checkout(self, contribution: Contribution) -> str:
        """Open (or find again) the provider's payment page for ``contribution``; its address.
        DomainError with a sentence for the donor when it cannot."""
        ...

    def send_refund(self, contribution: Contribution, refund: Refund) -> None:
        """Ask the provider to make ``refund`` (safely again: the same refund is made once)."""
        ...

    def read_event(self, payload: bytes, headers: Mapping[str, str]) -> dict[str, Any]:
        """The event in a webhook request, after checking its signature: InvalidEvent or
        MalformedEvent otherwise."""
        ...

    def apply_event(self, event: dict[str, Any]) -> tuple[Contribution | None, str]:
        """Apply ``event`` (stored once already): the contribution it concerned, if any, and
        what was done, in a line for the events page."""
        ...

    def reconcile(
        self,
        commit: Callable[[], None],
        progress: Callable[[int], None] | None = None,
        *,
        days: int = 30,
    ) -> ReconcileReport:
        """Apply what we missed; ``commit`` after each item, so that one failure loses nothing."""
        ...


def register(app: Flask, provider: PaymentProvider) -> None:
    app.extensions.setdefault("meetings_payment_providers", {})[provider.method] = provider


def provider(method: PaymentMethod) -> PaymentProvider:
    found: dict[PaymentMethod, PaymentProvider] = current_app.extensions[
        "meetings_payment_providers"
    ]
    return found[method]


def online() -> PaymentProvider | None:
    """The provider donors pay through online (cards), when one is configured."""
    card = provider(PaymentMethod.STRIPE)
    return card if card.configured() else None
