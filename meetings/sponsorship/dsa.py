"""Daily subsistence allowance rates: a daily rate per city from a date, kept by fund
administrators; an award uses the rate of the meeting's city in force when the meeting starts."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import format_date
from flask_babel import gettext as _

from meetings.audit.services import record
from meetings.auth.models import User
from meetings.auth.permissions import Permission, require
from meetings.errors import DomainError
from meetings.extensions import db
from meetings.money import Money, format_money
from meetings.sponsorship.models import DsaRate

# The highest DSA rate the UN publishes is a few hundred dollars a day: anything above this is
# a typing slip (and twenty digits would overflow the column).
MAXIMUM_DAILY_RATE = Money(1_000_000, "USD")


def set_rate(
    actor: User | None, city: str, daily_rate: Money, valid_from: date, note: str = ""
) -> DsaRate:
    if actor is not None:
        require(actor, Permission.REVIEW_SPONSORSHIP)
    city = city.strip()
    if not city:
        raise DomainError(_("Enter the city."), field="city")
    if daily_rate.currency != "USD" or daily_rate.amount <= 0:
        raise DomainError(_("Enter a daily rate in US dollars, above zero."), field="daily_rate")
    if daily_rate > MAXIMUM_DAILY_RATE:
        raise DomainError(
            _(
                "No daily subsistence allowance is above %(maximum)s; check the rate.",
                maximum=format_money(MAXIMUM_DAILY_RATE),
            ),
            field="daily_rate",
        )
    rate = db.session.scalar(
        sa.select(DsaRate).where(DsaRate.city == city, DsaRate.valid_from == valid_from)
    )
    before = rate.daily_rate_minor if rate else None
    if rate is None:
        rate = DsaRate(city=city, valid_from=valid_from, daily_rate_minor=daily_rate.amount)
        db.session.add(rate)
    rate.daily_rate_minor = daily_rate.amount
    rate.note = note.strip()[:300]
    rate.recorded_by_id = actor.id if actor else None
    db.session.flush()
    record(
        actor,
        "dsa_rate.set",
        rate,
        before={"daily_rate_minor": before} if before is not None else None,
        after={"city": city, "valid_from": valid_from, "daily_rate_minor": daily_rate.amount},
    )
    return rate


def rate_for(city: str, day: date) -> DsaRate:
    """The rate of ``city`` in force on ``day``."""
    rate = db.session.scalar(
        sa.select(DsaRate)
        .where(DsaRate.city == city, DsaRate.valid_from <= day)
        .order_by(DsaRate.valid_from.desc())
        .limit(1)
    )
    if rate is None:
        raise DomainError(
            _(
                "There is no DSA rate for %(city)s on %(day)s: add it under DSA rates first.",
                city=city,
                day=format_date(day, "long"),
            )
        )
    return rate


def rates() -> list[DsaRate]:
    return list(
        db.session.scalars(sa.select(DsaRate).order_by(DsaRate.city, DsaRate.valid_from.desc()))
    )
