"""Card payments through Stripe: Checkout for donors, refunds through the API, signed webhook
events, and reconciliation with Stripe's own records — the fund's one online payment provider
(:class:`StripeProvider`, registered by the fund's ``init_app``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask_babel import gettext as _

from meetings.errors import DomainError
from meetings.extensions import db
from meetings.fund import references
from meetings.fund.models import Contribution, PaymentMethod, ReferenceKind, Refund
from meetings.fund.payments import ReconcileReport
from meetings.fund.stripe import checkout, facts, fulfilment, gateway, reconcile
from meetings.fund.stripe.amounts import to_stripe
from meetings.money import Money


class StripeProvider:
    method = PaymentMethod.STRIPE
    refunds_at_once = False

    def configured(self) -> bool:
        return gateway.configured()

    def start_checkout(self, contribution: Contribution) -> str:
        return checkout.open_checkout(contribution)

    def send_refund(self, contribution: Contribution, refund: Refund) -> None:
        if references.of_refund(refund) is not None:
            return
        intent = references.latest(contribution, ReferenceKind.PAYMENT_INTENT)
        if not intent:
            raise DomainError(_("Stripe has not told us the payment of this contribution yet."))
        amount, _currency = to_stripe(refund.amount)
        made = gateway.create_refund(
            {
                "payment_intent": intent,
                "amount": amount,
                "metadata": {"refund": str(refund.id), "contribution": str(contribution.id)},
            },
            idempotency_key=f"refund-{refund.id}",
        )
        references.remember(
            self.method, ReferenceKind.REFUND, str(made["id"]), contribution, refund=refund
        )
        # Stripe often makes a card refund at once: its answer is applied as its event would be.
        facts.refund_reported(contribution, made)
        db.session.flush()

    def check_amount(self, amount: Money) -> None:
        to_stripe(amount)

    def read_event(self, payload: bytes, headers: Mapping[str, str]) -> dict[str, Any]:
        return gateway.verified_event(payload, headers.get("Stripe-Signature"))

    def apply_event(self, event: dict[str, Any]) -> tuple[Contribution | None, str]:
        return fulfilment.apply_event(event)

    def reconcile(
        self,
        commit: Callable[[], None],
        progress: Callable[[int], None] | None = None,
        *,
        days: int = 30,
    ) -> ReconcileReport:
        return reconcile.reconcile(self, commit, progress, days=days)
