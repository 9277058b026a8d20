"""Disputes: a card holder challenges a payment. What a dispute is (an inquiry, a chargeback,
won, lost) changes the contribution's status; what it takes and gives back is booked from the
provider's movements of money — funds withdrawn, funds reinstated, each with the dispute fee —
never from the dispute's status: an inquiry takes nothing, and one that closes ("warning closed")
frees nothing, because nothing was held.

    inquiry ──▶ open ──▶ won | lost
       └──────▶ closed (nothing taken)      (and an inquiry may end as won or lost directly)

Events arrive in any order: a status that does not follow from the current one (an older event
arriving late) changes nothing.
"""

from __future__ import annotations

from flask_babel import gettext as _

from meetings import clock
from meetings.extensions import db
from meetings.fund import contributions, earmarks, ledger, references, settlement
from meetings.fund.contributions import usd_share
from meetings.fund.models import (
    Contribution,
    Dispute,
    DisputeStatus,
    LedgerKind,
    MovementKind,
    PaymentMethod,
    ReferenceKind,
)
from meetings.money import Money
from meetings.workflow import Workflow

D = DisputeStatus
PROVIDER = contributions.PROVIDER

TRANSITIONS: dict[tuple[D, D], frozenset[str]] = {
    (D.INQUIRY, D.OPEN): PROVIDER,
    (D.INQUIRY, D.CLOSED): PROVIDER,
    (D.INQUIRY, D.WON): PROVIDER,
    (D.INQUIRY, D.LOST): PROVIDER,
    (D.OPEN, D.WON): PROVIDER,
    (D.OPEN, D.LOST): PROVIDER,
}
CLOSED = frozenset({D.WON, D.LOST, D.CLOSED})

WORKFLOW: Workflow[D, Dispute] = Workflow(
    name="dispute",
    table=TRANSITIONS,
    kinds=lambda _actor, _record: frozenset(),
)


def reported(
    provider: PaymentMethod,
    contribution: Contribution,
    *,
    reference: str,
    amount: Money,
    status: DisputeStatus | None,
    reason: str = "",
) -> Dispute:
    """What the provider says a dispute of ``contribution`` is now. ``status`` None is a status
    we do not know: the dispute is recorded, its status left as it was."""
    dispute = references.dispute_of(provider, reference)
    if dispute is None:
        dispute = Dispute(
            contribution_id=contribution.id,
            amount=amount,
            status=status or D.OPEN,
            reason=reason[:60],
        )
        if dispute.status in CLOSED:
            dispute.closed_at = clock.now()
        db.session.add(dispute)
        db.session.flush()
        references.remember(
            provider, ReferenceKind.DISPUTE, reference, contribution, dispute=dispute
        )
    elif status is not None and (dispute.status, status) in TRANSITIONS:
        WORKFLOW.move(None, dispute, status)
        if status in CLOSED:
            dispute.closed_at = clock.now()
        db.session.flush()
    contributions.settle_status(None, contribution, reason=_("dispute"))
    return dispute


def funds_moved(
    provider: PaymentMethod,
    contribution: Contribution,
    dispute: Dispute,
    movement: settlement.Movement,
    *,
    withdrawn: Money | None = None,
) -> None:
    """The provider withdrew the disputed money (gross below zero) or reinstated it — all of
    it when the dispute is won, or, when it is lost on a payment refunded in part, what had been
    refunded already: booked once, at the operational rate the contribution was received at,
    with the dispute fee. ``withdrawn`` is the gross the provider withdrew for the dispute: a
    reinstatement gives back that part of the disputed amount."""
    withdrawal = movement.gross.amount < 0
    kind = LedgerKind.DISPUTE_WITHDRAWN if withdrawal else LedgerKind.DISPUTE_REVERSED
    source = f"dispute:{dispute.id}:{movement.reference}"
    disputed = dispute.amount.amount
    if not withdrawal and withdrawn is not None and withdrawn.amount:
        disputed = disputed * abs(movement.gross.amount) // abs(withdrawn.amount)
    usd = max(1, usd_share(contribution, disputed))
    if settlement.recorded(provider, movement.reference) is not None:
        return
    ledger.lock()
    if not ledger.already_posted(source):
        ledger.post(
            kind,
            Money(usd, "USD"),
            actor=None,
            original=Money(disputed, dispute.amount.currency),
            contribution=contribution,
            dispute=dispute,
            earmark=earmarks.of_contribution(contribution),
            source=source,
            description=str(_("funds withdrawn for a dispute"))
            if withdrawal
            else str(_("funds reinstated: dispute won")),
            occurred_on=movement.occurred_on,
        )
    settlement.record(
        provider,
        contribution,
        movement,
        kind=MovementKind.DISPUTE_WITHDRAWAL if withdrawal else MovementKind.DISPUTE_REINSTATEMENT,
        booked_usd=-usd if withdrawal else usd,
        dispute=dispute,
    )
