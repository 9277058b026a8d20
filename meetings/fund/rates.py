"""United Nations operational rates of exchange, kept by fund administrators (by hand or from a
CSV file): a rate per currency for each month, from its first day, and the revisions made within
a month when a currency moves sharply, from the day of the revision. A contribution's USD value is
computed once, at the rate in force on the day it was received, and stored with the rate used.
A month without a rate has none: an earlier month's rate is never used in its place."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import sqlalchemy as sa
from flask_babel import format_date, ngettext
from flask_babel import gettext as _

from meetings.audit.services import record
from meetings.auth.models import User
from meetings.auth.permissions import Permission, require
from meetings.csvfiles import CsvImportError, ImportProblem, table
from meetings.errors import DomainError
from meetings.extensions import db
from meetings.fund.models import ExchangeRate
from meetings.money import Money, ascii_digits, is_currency, minor_unit

REQUIRED_COLUMNS = ("currency", "month", "units_per_usd")
MAX_ROWS = 5_000
MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})(?:-([0-9]{2}))?$")


def month_of(day: date) -> date:
    return date(day.year, day.month, 1)


def parse_month(text: str, *, field: str = "month") -> date:
    """A month ("2018-06", from its first day) or the day of a revision ("2018-06-15")."""
    match = MONTH.match(ascii_digits(text.strip()))
    if match is None or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1900:
        raise DomainError(
            _("Enter a month like 2018-06, or the day of a revision like 2018-06-15."),
            field=field,
        )
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3) or 1))
    except ValueError:
        raise DomainError(_("There is no such day."), field=field) from None


def parse_rate(text: str, *, field: str = "units_per_usd") -> Decimal:
    try:
        value = Decimal(ascii_digits(text.strip()).replace(",", "."))
    except InvalidOperation:
        raise DomainError(_("Enter a rate like 0.8547."), field=field) from None
    if not value.is_finite() or value <= 0 or value > Decimal("1e9"):
        raise DomainError(_("The rate must be a positive number."), field=field)
    if -int(value.as_tuple().exponent) > 8:
        raise DomainError(_("Use at most 8 decimals."), field=field)
    return value


def set_rate(
    actor: User | None, currency: str, effective_from: date, units_per_usd: Decimal
) -> ExchangeRate:
    """Record (or correct) the rate of ``currency`` in force from ``effective_from`` (the first
    of a month, or the day of a revision) to the end of that month."""
    if actor is not None:
        require(actor, Permission.MANAGE_FUND)
    code = currency.strip().upper()
    if code == "USD":
        raise DomainError(_("The fund keeps its accounts in US dollars."), field="currency")
    if not is_currency(code):
        raise DomainError(_("%(code)s is not a currency we know.", code=code), field="currency")
    rate = db.session.scalar(
        sa.select(ExchangeRate).where(
            ExchangeRate.currency == code, ExchangeRate.effective_from == effective_from
        )
    )
    before = rate.units_per_usd if rate else None
    if rate is None:
        rate = ExchangeRate(
            currency=code, effective_from=effective_from, units_per_usd=units_per_usd
        )
        db.session.add(rate)
    elif rate.units_per_usd == units_per_usd:
        return rate
    rate.units_per_usd = units_per_usd
    rate.recorded_by_id = actor.id if actor else None
    db.session.flush()
    record(
        actor,
        "exchange_rate.set",
        rate,
        before={"units_per_usd": str(before)} if before is not None else None,
        after={
            "currency": code,
            "effective_from": effective_from,
            "units_per_usd": str(units_per_usd),
        },
    )
    return rate


class NoRate(DomainError):
    """No operational rate is in force for a currency on a day: its month has none yet."""


def rate_in_force(currency: str, day: date) -> tuple[Decimal, date]:
    """How many units of ``currency`` one US dollar bought on ``day``, and the date that rate
    took effect: the latest rate of ``day``'s month that took effect on or before it."""
    if currency == "USD":
        return Decimal(1), day
    found = db.session.execute(
        sa.select(ExchangeRate.units_per_usd, ExchangeRate.effective_from)
        .where(
            ExchangeRate.currency == currency,
            ExchangeRate.effective_from >= month_of(day),
            ExchangeRate.effective_from <= day,
        )
        .order_by(ExchangeRate.effective_from.desc())
        .limit(1)
    ).first()
    if found is None:
        raise NoRate(
            _(
                "There is no operational rate of exchange for %(currency)s for %(month)s yet.",
                currency=currency,
                month=format_date(month_of(day), "MMMM y"),
            ),
            field="currency",
        )
    return found.units_per_usd, found.effective_from


def rate_for(currency: str, day: date) -> Decimal:
    return rate_in_force(currency, day)[0]


def payable_currencies(day: date) -> set[str]:
    """The currencies a donor may give in on ``day``: US dollars, and those with a rate in
    force (their USD value can be known when the money arrives)."""
    found = db.session.scalars(
        sa.select(ExchangeRate.currency).where(
            ExchangeRate.effective_from >= month_of(day), ExchangeRate.effective_from <= day
        )
    )
    return {"USD", *found}


def usd_value(money: Money, units_per_usd: Decimal) -> int:
    """``money`` in US cents at ``units_per_usd`` (rounded half up to the cent)."""
    if money.currency == "USD":
        return money.amount
    major = Decimal(money.amount).scaleb(-minor_unit(money.currency))
    return int((major / units_per_usd * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def rates(*, limit: int = 200) -> list[ExchangeRate]:
    return list(
        db.session.scalars(
            sa.select(ExchangeRate)
            .order_by(ExchangeRate.effective_from.desc(), ExchangeRate.currency)
            .limit(limit)
        )
    )


class RatesImportError(CsvImportError):
    """Nothing was imported; ``problems`` lists each bad line."""


@dataclass
class RatesImported:
    rows: int = 0

    def __str__(self) -> str:
        return str(ngettext("%(num)d rate recorded", "%(num)d rates recorded", self.rows))


def import_rates(actor: User | None, text: str) -> RatesImported:
    """Rates from CSV (currency, month as YYYY-MM or the day of a revision as YYYY-MM-DD,
    units_per_usd): every row, or none."""
    if actor is not None:
        require(actor, Permission.MANAGE_FUND)
    rows = table(text)
    missing = rows.missing(REQUIRED_COLUMNS)
    if missing:
        raise RatesImportError(
            [ImportProblem(1, _("missing columns: %(columns)s", columns=", ".join(missing)))]
        )
    good: list[tuple[str, date, Decimal]] = []
    problems: list[ImportProblem] = []
    seen: dict[tuple[str, date], int] = {}
    for line, values in rows.rows():
        if len(good) + len(problems) >= MAX_ROWS:
            problems.append(ImportProblem(line, _("more than %(n)d rows.", n=MAX_ROWS)))
            break
        try:
            code = values["currency"].strip().upper()
            if code == "USD" or not is_currency(code):
                raise DomainError(_("“%(code)s” is not a currency we know.", code=code))
            month = parse_month(values["month"])
            rate = parse_rate(values["units_per_usd"])
        except DomainError as error:
            problems.append(ImportProblem(line, error.message))
            continue
        if (code, month) in seen:
            problems.append(
                ImportProblem(
                    line,
                    _(
                        "%(code)s for this month is already on line %(other)d.",
                        code=code,
                        other=seen[(code, month)],
                    ),
                )
            )
            continue
        seen[(code, month)] = line
        good.append((code, month, rate))
    if problems:
        raise RatesImportError(problems)
    for code, month, rate in good:
        set_rate(actor, code, month, rate)
    return RatesImported(rows=len(good))
