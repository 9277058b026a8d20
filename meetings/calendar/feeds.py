"""Building iCalendar documents (RFC 5545, with the RFC 7986 calendar properties).

The output depends only on the data: DTSTAMP and LAST-MODIFIED are the sitting's last change,
SEQUENCE its revision, so an unchanged schedule gives byte-identical output.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone
from icalendar.prop import vDuration, vText

PRODID = "-//United Nations//meetings//EN"
REFRESH = timedelta(hours=1)


@dataclass(frozen=True)
class FeedEvent:
    uid: str
    summary: str
    starts_at: datetime  # aware UTC
    ends_at: datetime
    zone: str
    created: datetime
    last_modified: datetime
    sequence: int
    cancelled: bool
    location: str
    description: str
    url: str
    category: str


@dataclass(frozen=True)
class FeedHeader:
    name: str
    description: str
    default_zone: str | None = None


@lru_cache(maxsize=64)
def _vtimezone(zone: str, first_year: int, last_year: int) -> Timezone:
    # Building a VTIMEZONE walks the zone's transitions: cache it per zone and span of years.
    return Timezone.from_tzid(
        zone, first_date=date(first_year, 1, 1), last_date=date(last_year + 1, 1, 1)
    )


def _event(item: FeedEvent) -> Event:
    zone = ZoneInfo(item.zone)
    event = Event()
    event.add("uid", item.uid)
    event.add("dtstamp", item.last_modified)
    event.add("created", item.created)
    event.add("last-modified", item.last_modified)
    event.add("sequence", item.sequence)
    event.add("dtstart", item.starts_at.astimezone(zone))
    event.add("dtend", item.ends_at.astimezone(zone))
    event.add("summary", item.summary)
    if item.location:
        event.add("location", item.location)
    if item.description:
        event.add("description", item.description)
    event.add("url", item.url)
    event.add("categories", [item.category])
    event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


def build_calendar(header: FeedHeader, events: Iterable[FeedEvent]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", header.name)
    calendar.add("x-wr-calname", vText(header.name))
    if header.description:
        calendar.add("description", header.description)
        calendar.add("x-wr-caldesc", vText(header.description))
    if header.default_zone:
        calendar.add("x-wr-timezone", vText(header.default_zone))
    # RFC 7986 wants VALUE=DURATION on REFRESH-INTERVAL; icalendar leaves it out by default, and
    # writes a bare timedelta for the non-standard X-PUBLISHED-TTL. Both are written explicitly.
    calendar.add("refresh-interval", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))

    items = list(events)
    spans: dict[str, tuple[int, int]] = {}
    for item in items:
        first, last = spans.get(item.zone, (item.starts_at.year, item.ends_at.year))
        spans[item.zone] = (min(first, item.starts_at.year), max(last, item.ends_at.year))
    for zone in sorted(spans):
        calendar.add_component(_vtimezone(zone, *spans[zone]))
    for item in items:
        calendar.add_component(_event(item))
    return bytes(calendar.to_ical())
