"""What the payment provider actually moved: for each payment, refund and dispute, the gross
amount in the currency it settles in, the fee it kept, and the rate it converted at. The ledger
books the gift at the operational rate (what the donor gave); this books the rest, so that the
fund's cash is right to the cent: the provider's fee as its own entry (``PAYMENT_FEE``, or
``PAYMENT_FEE_RETURNED`` when the provider gives one back), and, when the provider converted, the
difference between the US dollars it moved and those the ledger booked (``EXCHANGE_GAIN`` or
``EXCHANGE_LOSS``).

Each movement is stored once by the provider's identifier (``payment_movement``), so the same
movement reported twice is booked once, and ``flask fund reconcile`` can compare our figures with
the provider's for a period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from meetings import clock
from meetings.extensions import db
from meetings.fund import earmarks, ledger, rates
from meetings.fund.models import (
    Contribution,
    Dispute,
    LedgerKind,
    MovementKind,
    PaymentMethod,
    PaymentMovement,
    Refund,
)
from meetings.money import Money, format_money


@dataclass(frozen=True)
class Movement:
    """One movement of the provider's balance, as the provider reports it: ``gross`` is signed
    (money in positive) and ``fee`` is what it kept (negative when it gave a fee back), both in
    the currency it settles in."""

    reference: str
    gross: Money
    fee: Money
    occurred_on: date
    exchange_rate: Decimal | None = None


def recorded(provider: PaymentMethod, reference: str) -> PaymentMovement | None:
    return db.session.scalar(
        sa.select(PaymentMovement).where(
            PaymentMovement.provider == provider, PaymentMovement.reference == reference
        )
    )


def _usd(money: Money, day: date) -> Money | None:
    """``money`` in US dollars at the operational rate in force on ``day`` (None without one)."""
    if money.currency == "USD":
        return money
    try:
        rate = rates.rate_for(money.currency, day)
    except rates.NoRate:
        return None
    sign = -1 if money.amount < 0 else 1
    return Money(sign * rates.usd_value(Money(abs(money.amount), money.currency), rate), "USD")


def record(
    provider: PaymentMethod,
    contribution: Contribution,
    movement: Movement,
    *,
    kind: MovementKind,
    booked_usd: int,
    refund: Refund | None = None,
    dispute: Dispute | None = None,
) -> PaymentMovement | None:
    """Store ``movement`` (once) and book the provider's fee and the exchange difference.
    ``booked_usd`` is what the ledger booked for the same money at the operational rate, signed
    as the movement is. None when the movement was recorded before."""
    if recorded(provider, movement.reference) is not None:
        return None
    row = PaymentMovement(
        provider=provider,
        reference=movement.reference[:255],
        kind=kind,
        contribution_id=contribution.id,
        refund_id=refund.id if refund else None,
        dispute_id=dispute.id if dispute else None,
        gross_minor=movement.gross.amount,
        fee_minor=movement.fee.amount,
        currency=movement.gross.currency,
        exchange_rate=movement.exchange_rate,
        booked_usd_minor=booked_usd,
        occurred_on=movement.occurred_on,
    )
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:  # the same movement, recorded a moment ago by another event
        return None
    ledger.lock()
    earmark = earmarks.of_contribution(contribution)
    source = f"movement:{provider.value}:{movement.reference}"
    what = {
        MovementKind.PAYMENT: _("payment"),
        MovementKind.REFUND: _("refund"),
        MovementKind.REFUND_FAILURE: _("failed refund"),
        MovementKind.DISPUTE_WITHDRAWAL: _("dispute"),
        MovementKind.DISPUTE_REINSTATEMENT: _("dispute won"),
    }[kind]
    _book_fee(contribution, movement, earmark, source, str(what))
    _book_exchange(contribution, movement, booked_usd, earmark, source, str(what))
    if kind is MovementKind.PAYMENT:
        contribution.settled_at = clock.now()
        db.session.flush()
    return row


def _book_fee(
    contribution: Contribution,
    movement: Movement,
    earmark: earmarks.Earmark,
    source: str,
    what: str,
) -> None:
    if movement.fee.amount == 0:
        return
    usd = _usd(movement.fee, movement.occurred_on)
    if usd is None:
        _flag(
            contribution,
            _(
                "The provider's fee of %(fee)s on a %(what)s is not booked: there is no "
                "operational rate for it.",
                fee=format_money(movement.fee),
                what=what,
            ),
        )
        return
    kind = LedgerKind.PAYMENT_FEE if usd.amount > 0 else LedgerKind.PAYMENT_FEE_RETURNED
    if usd.amount == 0:
        return
    ledger.post(
        kind,
        Money(abs(usd.amount), "USD"),
        actor=None,
        original=Money(abs(movement.fee.amount), movement.fee.currency),
        contribution=contribution,
        earmark=earmark,
        source=f"{source}:fee",
        description=_("Payment provider's fee (%(what)s)", what=what),
        occurred_on=movement.occurred_on,
    )


def _book_exchange(
    contribution: Contribution,
    movement: Movement,
    booked_usd: int,
    earmark: earmarks.Earmark,
    source: str,
    what: str,
) -> None:
    """When the provider converted the donor's currency into US dollars, the dollars it moved
    are the fund's cash: the difference from what the operational rate gave is booked."""
    if movement.gross.currency != "USD" or contribution.amount.currency == "USD":
        return
    difference = movement.gross.amount - booked_usd
    if difference == 0:
        return
    ledger.post(
        LedgerKind.EXCHANGE_GAIN if difference > 0 else LedgerKind.EXCHANGE_LOSS,
        Money(abs(difference), "USD"),
        actor=None,
        contribution=contribution,
        earmark=earmark,
        source=f"{source}:exchange",
        description=_(
            "The payment provider's conversion (%(what)s) against the operational rate",
            what=what,
        ),
        occurred_on=movement.occurred_on,
    )


def _flag(contribution: Contribution, note: str) -> None:
    contribution.mismatch = f"{contribution.mismatch} {note}" if contribution.mismatch else note
    db.session.flush()


def unsettled(provider: PaymentMethod) -> list[Contribution]:
    """Received payments whose settlement (the provider's fee) is not booked yet."""
    from meetings.fund.contributions import HAS_ARRIVED

    return list(
        db.session.scalars(
            sa.select(Contribution)
            .where(
                Contribution.method == provider,
                Contribution.settled_at.is_(None),
                Contribution.status.in_(HAS_ARRIVED),
            )
            .order_by(Contribution.id)
        )
    )
