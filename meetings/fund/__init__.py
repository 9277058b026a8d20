"""The voluntary sponsorship fund: donors, pledges, contributions by Stripe and bank transfer, the
append-only ledger, commitments, receipts."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from meetings.fund import labels, models  # noqa: F401
