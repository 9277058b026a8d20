"""Bank transfers, the provider that needs no integration: donors transfer to the fund's account
(the contribution page shows its details), fund administrators record each credit with the bank's
advice (:func:`meetings.fund.contributions.record_bank_transfer`), and refunds are made by the
fund's bank and recorded as made. It sends no events and has nothing to reconcile online."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask_babel import gettext as _

from meetings.errors import DomainError
from meetings.fund.models import Contribution, PaymentMethod, Refund
from meetings.fund.payments import InvalidEvent, ReconcileReport
from meetings.money import Money


class BankTransferProvider:
    method = PaymentMethod.BANK_TRANSFER
    refunds_at_once = True

    def configured(self) -> bool:
        return True

    def check_amount(self, amount: Money) -> None:
        """Any amount can be transferred."""

    def start_checkout(self, contribution: Contribution) -> str:
        raise DomainError(_("A bank transfer is made from the donor's bank, not online."))

    def send_refund(self, contribution: Contribution, refund: Refund) -> None:
        """The fund's bank makes the refund; it is recorded as made (nothing to send)."""

    def read_event(self, payload: bytes, headers: Mapping[str, str]) -> dict[str, Any]:
        raise InvalidEvent("bank transfers send no events")

    def apply_event(self, event: dict[str, Any]) -> tuple[Contribution | None, str]:
        raise InvalidEvent("bank transfers send no events")

    def reconcile(
        self,
        commit: Callable[[], None],
        progress: Callable[[int], None] | None = None,
        *,
        days: int = 30,
    ) -> ReconcileReport:
        return ReconcileReport()
