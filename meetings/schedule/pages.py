"""The public programme page, kept for anonymous visitors.

Every anonymous visitor of a meeting's programme sees the same page for one schedule version,
language and set of filters, so its content is built once and kept in the byte cache (Redis when
configured: every worker and host shares it). The key holds the schedule version, which every
write to the programme replaces (meetings.schedule.versions): a change is seen on the next request,
on every host, and nothing needs deleting. Logged-in readers see their own page (stars, the
secretariat's links), built for them each time and never kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import get_locale

from meetings.cache import remembered
from meetings.schedule.queries import ProgrammeFilter
from meetings.schedule.versions import ScheduleStamp

KEEP_SECONDS = 24 * 3600
PAGE_FORMAT = "2"  # raise when the programme's template changes in a way old pages must not show


@dataclass(frozen=True)
class BuiltPage:
    title: str
    body: str


def _key(stamp: ScheduleStamp, filters: ProgrammeFilter) -> str:
    variant = ":".join(
        str(value or "")
        for value in (filters.day, filters.kind.value if filters.kind else None, filters.room_id)
    )
    return f"programme:{PAGE_FORMAT}:{stamp.meeting_id}:{stamp.version}:{get_locale()}:{variant}"


def programme_for_everyone(
    stamp: ScheduleStamp, filters: ProgrammeFilter, build: Callable[[], BuiltPage]
) -> BuiltPage:
    """The programme page as every anonymous visitor sees it, built by ``build`` when not kept.
    The caller has checked that the public may see the meeting (``visible_stamp(None, ...)``).
    Kept as the title, a NUL, then the body: a page of 1,000 sittings is read back without
    parsing (neither can hold a NUL: requests carrying one are refused)."""

    def encoded() -> bytes:
        page = build()
        return f"{page.title}\x00{page.body}".encode()

    title, _nul, body = (
        remembered(_key(stamp, filters), KEEP_SECONDS, encoded).decode().partition("\x00")
    )
    return BuiltPage(title, body)
