"""Amounts as Stripe counts them, which is not always as ISO 4217 does.

Stripe takes integers in its own minor units: zero-decimal currencies have none (JPY, and MGA,
which ISO 4217 gives two); ISK and UGX, which ISO 4217 gives none, are written with two and must
be whole (a multiple of 100); HUF and TWD are written with two and card payments must be whole
too; three-decimal currencies (KWD, BHD…) must end in 0. Currencies go to Stripe in lower case.
"""

from __future__ import annotations

from flask_babel import gettext as _

from meetings.errors import DomainError
from meetings.money import Money, minor_unit

ZERO_DECIMAL = frozenset(
    {
        "BIF",
        "CLP",
        "DJF",
        "GNF",
        "JPY",
        "KMF",
        "KRW",
        "MGA",
        "PYG",
        "RWF",
        "VND",
        "VUV",
        "XAF",
        "XOF",
        "XPF",
    }
)
THREE_DECIMAL = frozenset({"BHD", "JOD", "KWD", "OMR", "TND"})
# Written with two decimals, charged in whole units only.
WHOLE_UNITS = frozenset({"ISK", "UGX", "HUF", "TWD"})


def stripe_exponent(code: str) -> int:
    if code in ZERO_DECIMAL:
        return 0
    if code in THREE_DECIMAL:
        return 3
    return 2


def to_stripe(money: Money) -> tuple[int, str]:
    """(amount in Stripe's minor units, lower-case currency), or DomainError for an amount
    Stripe cannot charge in that currency."""
    iso, stripe = minor_unit(money.currency), stripe_exponent(money.currency)
    if stripe >= iso:
        amount = money.amount * 10 ** (stripe - iso)
    else:
        factor = 10 ** (iso - stripe)
        if money.amount % factor:
            raise DomainError(
                _("Card payments in %(code)s are in whole units.", code=money.currency),
                field="amount",
            )
        amount = money.amount // factor
    if money.currency in WHOLE_UNITS and amount % 100:
        raise DomainError(
            _("Card payments in %(code)s are in whole units.", code=money.currency),
            field="amount",
        )
    if money.currency in THREE_DECIMAL and amount % 10:
        raise DomainError(
            _("Card payments in %(code)s must end in 0 (e.g. 12.340).", code=money.currency),
            field="amount",
        )
    return amount, money.currency.lower()


def from_stripe(amount: int, currency: str) -> Money:
    """Money in ISO 4217 minor units from Stripe's integer and currency code."""
    code = currency.upper()
    iso, stripe = minor_unit(code), stripe_exponent(code)
    if iso >= stripe:
        return Money(int(amount) * 10 ** (iso - stripe), code)
    return Money(int(amount) // 10 ** (stripe - iso), code)
