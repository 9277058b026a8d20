"""Money: whole minor units of one ISO 4217 currency. Never a float.

The number of minor units of a currency (2 for USD, 0 for JPY, 3 for KWD) comes from the
reference table of currencies, not from a guess: amounts typed in forms are parsed with it (and
refused when they have more decimals), and :func:`format_money` shows exactly that many.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from copy import copy
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from babel import Locale, UnknownLocaleError
from babel.numbers import NumberFormatError, parse_decimal
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy.orm import composite, mapped_column

from meetings.db import MinorUnits
from meetings.errors import DomainError

CODE_PATTERN = re.compile(r"^[A-Z]{3}$")
# What a 64-bit column holds: no amount typed in a form may come near it.
MAX_MINOR_UNITS = 2**63 - 1


@dataclass(frozen=True, order=False)
class Money:
    """``amount`` minor units of ``currency`` (USD 1.50 is ``Money(150, "USD")``)."""

    amount: int
    currency: str

    def __post_init__(self) -> None:
        if isinstance(self.amount, bool) or not isinstance(self.amount, int):
            raise TypeError(f"money is whole minor units (int), not {self.amount!r}")
        if not isinstance(self.currency, str) or not CODE_PATTERN.match(self.currency):
            raise ValueError(f"not an ISO 4217 currency code: {self.currency!r}")

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)

    def _same(self, other: Money) -> None:
        if self.currency != other.currency:
            raise ValueError(f"cannot combine {self.currency} and {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        self._same(other)
        return self.amount >= other.amount

    @property
    def is_zero(self) -> bool:
        return self.amount == 0

    def decimal(self) -> Decimal:
        """The amount in major units, exact (USD 150 minor units → Decimal('1.50'))."""
        exponent = minor_unit(self.currency)
        return Decimal(self.amount).scaleb(-exponent)

    def __str__(self) -> str:
        return f"{self.currency} {self.decimal():f}"


# --- the currency table --------------------------------------------------------------------------

_exponents: dict[str, int] = {}
_exponents_lock = threading.Lock()


def minor_unit(code: str) -> int:
    """The number of decimals of ``code`` from the reference table (read once per process)."""
    if code not in _exponents:
        from meetings.extensions import db
        from meetings.reference.models import Currency

        rows = db.session.execute(sa.select(Currency.code, Currency.minor_unit)).all()
        with _exponents_lock:
            _exponents.update({row.code: row.minor_unit for row in rows})
        if code not in _exponents:
            raise DomainError(_("%(code)s is not a currency we know.", code=code), field="currency")
    return _exponents[code]


def is_currency(code: str) -> bool:
    try:
        minor_unit(code)
    except DomainError:
        return False
    return True


# --- parsing what people type --------------------------------------------------------------------


def _locale() -> Locale:
    return get_locale() or Locale.parse("en")


# Arabic's own decimal and group separators, read as "." and "," with the digits (below).
_ARABIC_SEPARATORS = str.maketrans({"\u066b": ".", "\u066c": ","})


def ascii_digits(text: str) -> str:
    """``text`` with every decimal digit of any script (Arabic-Indic ٣, Devanagari ३, full-width
    ３…) written as its ASCII digit, and Arabic's decimal and group separators as "." and ",".
    People type numbers in their own script: the number they mean is read, deliberately, and
    only ASCII digits are ever stored or shown back."""
    converted = text.translate(_ARABIC_SEPARATORS)
    return "".join(
        str(unicodedata.decimal(char)) if not char.isascii() and char.isdecimal() else char
        for char in converted
    )


def parse_amount(text: str, currency: str, *, field: str = "amount") -> Money:
    """``text`` as typed in a form ("1,234.50", "1 234,50", "1234", "١٢٣٤٫٥٠") in ``currency``.

    Refused with a message for ``field``: not a number, or more decimals than the currency has
    (a cent is the smallest part of a dollar; a yen has none). Digits of other scripts are read
    as the ASCII digits they stand for (:func:`ascii_digits`)."""
    code = (currency or "").strip().upper()
    if not CODE_PATTERN.match(code):
        raise DomainError(_("Choose a currency."), field="currency")
    exponent = minor_unit(code)
    cleaned = ascii_digits((text or "").strip())
    if not cleaned:
        raise DomainError(_("Enter an amount."), field=field)
    if len(cleaned) > 40:
        raise DomainError(_("Enter an amount like 1,500.00."), field=field)
    value = _decimal(cleaned)
    if value is None or not value.is_finite():
        raise DomainError(_("Enter an amount like 1,500.00."), field=field)
    places = -int(value.as_tuple().exponent)
    if places > exponent and value != value.quantize(Decimal(1).scaleb(-exponent)):
        if exponent == 0:
            message = _("%(code)s amounts have no decimals.", code=code)
        else:
            message = _(
                "%(code)s amounts have at most %(n)d decimals.",
                code=code,
                n=exponent,
            )
        raise DomainError(message, field=field)
    minor = int(value.scaleb(exponent).to_integral_value())
    if abs(minor) > MAX_MINOR_UNITS:
        raise DomainError(_("That amount is too large; check it."), field=field)
    return Money(minor, code)


def _decimal(text: str) -> Decimal | None:
    """The number in ``text``: as the user's locale writes numbers ("1 234,50" in French), or in
    the plain international form ("1,234.50", "1234.50"). Anything else is no number."""
    if not re.fullmatch(r"[-+]?[0-9\s.,'’]+", text):
        return None
    where = _locale()
    spaced = re.sub(r"\s", where.number_symbols.get("latn", {}).get("group", " "), text)
    try:
        return parse_decimal(spaced, locale=where, strict=True)
    except (NumberFormatError, UnknownLocaleError, ValueError):
        pass
    plain = re.sub(r"\s", "", text)
    if not re.fullmatch(r"[-+]?([0-9]{1,3}(,[0-9]{3})+|[0-9]+)(\.[0-9]+)?", plain):
        return None
    try:
        return Decimal(plain.replace(",", ""))
    except InvalidOperation:
        return None


# --- the fund's currency -------------------------------------------------------------------------

# Beyond any figure the fund could hold (USD 100 billion): a typing slip, refused before it can
# overflow a column.
USD_CEILING_MINOR = 10**13


def require_usd(value: Money, *, field: str = "amount", allow_zero: bool = False) -> Money:
    """``value`` if it is a US dollar amount above zero (or zero, when allowed) and below any
    figure the fund could hold; DomainError beside ``field`` otherwise. The fund keeps its
    accounts, awards and commitments in US dollars: this is the one check of it."""
    if value.currency != "USD":
        raise DomainError(_("Enter an amount in US dollars."), field=field)
    if value.amount < 0:
        raise DomainError(_("The amount cannot be negative."), field=field)
    if value.amount == 0 and not allow_zero:
        raise DomainError(_("Enter an amount above zero."), field=field)
    if value.amount > USD_CEILING_MINOR:
        raise DomainError(_("That amount is too large; check it."), field=field)
    return value


# --- showing money -------------------------------------------------------------------------------


def format_money(value: Money | None, locale: Locale | str | None = None) -> str:
    """``value`` for the reader's locale, with exactly the currency's own number of decimals
    (Babel's currency pattern for the locale; 'US$1,234.50', '1 234,50 $US', '¥1,234')."""
    if value is None:
        return ""
    where = Locale.parse(locale) if locale is not None else _locale()
    return _formatted(where, value.amount, value.currency, minor_unit(value.currency))


@functools.lru_cache(maxsize=8192)
def _formatted(where: Locale, amount: int, currency: str, exponent: int) -> str:
    """Babel's formatting takes ~55 µs an amount (a fund page shows 200): kept, since the same
    amounts are shown again and again (balances, months, donors' totals)."""
    pattern = copy(where.currency_formats["standard"])
    pattern.frac_prec = (exponent, exponent)
    value = Decimal(amount).scaleb(-exponent)
    return str(pattern.apply(value, where, currency=currency, currency_digits=False))


def format_amount(value: Money | None) -> str:
    """The bare number, for a form field ("1500.00"): what :func:`parse_amount` reads back."""
    if value is None:
        return ""
    return f"{value.decimal():f}"


# --- columns -------------------------------------------------------------------------------------


def minor_units_column(*, nullable: bool = False) -> Any:
    """Whole minor units in a 64-bit integer (floats refused)."""
    return mapped_column(MinorUnits(), nullable=nullable)


def currency_column(*, nullable: bool = False) -> Any:
    """An ISO 4217 code from the currency table."""
    return mapped_column(sa.String(3), sa.ForeignKey("currency.code"), nullable=nullable)


def money(amount_attribute: str, currency_attribute: str) -> Any:
    """A Money attribute over two mapped columns of the same model::

    amount_minor: Mapped[int] = minor_units_column()
    currency: Mapped[str] = currency_column()
    amount: Mapped[Money] = money("amount_minor", "currency")
    """
    return composite(Money, amount_attribute, currency_attribute)
