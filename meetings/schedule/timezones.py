"""Venue time and UTC: converting what the secretariat types into what the database stores."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from flask_babel import gettext as _

from meetings.clock import FIRST_YEAR, LAST_YEAR
from meetings.errors import DomainError


@cache
def known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def zone_named(name: str, *, field: str = "timezone") -> ZoneInfo:
    """The IANA zone called ``name``; DomainError for anything else."""
    name = name.strip()
    if name not in known_zones():
        raise DomainError(
            _(
                "“%(name)s” is not a time zone name. Use an IANA name such as America/New_York.",
                name=name,
            ),
            field=field,
        )
    return ZoneInfo(name)


def local_to_utc(day: date, clock: time, zone: ZoneInfo, *, field: str = "starts_at") -> datetime:
    """``day`` at ``clock`` in ``zone``, as aware UTC. A wall-clock time skipped by a daylight-
    saving change does not exist and is refused; a repeated one means its first occurrence."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise DomainError(
            _("Enter a date between %(first)d and %(last)d.", first=FIRST_YEAR, last=LAST_YEAR),
            field=field,
        )
    local = datetime.combine(day, clock, tzinfo=zone)
    utc = local.astimezone(UTC)
    if utc.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise DomainError(
            _(
                "%(time)s does not exist on %(day)s in %(zone)s: the clocks change that night.",
                time=clock.strftime("%H:%M"),
                day=day.isoformat(),
                zone=zone.key,
            ),
            field=field,
        )
    return utc


def utc_to_local(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.astimezone(zone)
