"""Building iCalendar documents (RFC 5545, with the RFC 7986 calendar properties).

The output depends only on the data: DTSTAMP and LAST-MODIFIED are the sitting's last change,
SEQUENCE its revision, so an unchanged schedule gives byte-identical output.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone
from icalendar.parser import Contentline, Parameters
from icalendar.prop import vCategory, vDatetime, vDuration, vInt, vText, vUri

PRODID = "-//United Nations//meetings//EN"
REFRESH = timedelta(hours=1)


@dataclass(frozen=True)
class FeedEvent:
    uid: str
    summary: str
    starts_at: datetime  # aware UTC
    ends_at: datetime
    zone: str
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


class _Line(Contentline):
    """A content line that skips the library's character-by-character folding when the line is
    short enough not to need folding (most of them); long lines are folded by the library."""

    def to_ical(self) -> bytes:
        encoded = str(self).encode("utf-8")
        # The library folds before a character that would bring the line to 75 octets.
        return encoded if len(encoded) < 75 else bytes(super().to_ical())  # type: ignore[no-untyped-call]


class _Calendar(Calendar):
    # The calendar writes the content lines of all its components, so this is the one place.
    def content_line(self, name: str, value: object, sorted: bool = True) -> Contentline:
        params: Parameters = getattr(value, "params", None) or Parameters()
        return _Line.from_parts(name, params, value, sorted=sorted)  # type: ignore[no-any-return]


def _utc(moment: datetime) -> vDatetime:
    return vDatetime(moment.astimezone(UTC).replace(microsecond=0))


def _local(moment: datetime, zone: str) -> vDatetime:
    # A wall-clock time with its TZID parameter, exactly what RFC 5545 form #3 writes.
    value = vDatetime(moment.astimezone(ZoneInfo(zone)).replace(tzinfo=None, microsecond=0))
    value.params["TZID"] = zone
    return value


def _event(item: FeedEvent) -> Event:
    # Values are built as icalendar property types directly (encode=False), which spares the
    # library's type inference for each of the ~15,000 properties of a large feed.
    event = Event()
    add = event.add
    add("uid", vText(item.uid), encode=False)
    add("dtstamp", _utc(item.last_modified), encode=False)
    add("last-modified", _utc(item.last_modified), encode=False)
    add("sequence", vInt(item.sequence), encode=False)
    add("dtstart", _local(item.starts_at, item.zone), encode=False)
    add("dtend", _local(item.ends_at, item.zone), encode=False)
    add("summary", vText(item.summary), encode=False)
    if item.location:
        add("location", vText(item.location), encode=False)
    if item.description:
        add("description", vText(item.description), encode=False)
    add("url", vUri(item.url), encode=False)
    add("categories", vCategory([item.category]), encode=False)
    add("status", vText("CANCELLED" if item.cancelled else "CONFIRMED"), encode=False)
    return event


def build_calendar(header: FeedHeader, events: Iterable[FeedEvent]) -> bytes:
    calendar = _Calendar()
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
    # Properties in the order they were added: deterministic, and cheaper than sorting them.
    return bytes(calendar.to_ical(sorted=False))
