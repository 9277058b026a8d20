"""The public programme page, kept whole for anonymous visitors.

Every anonymous visitor of a meeting's programme sees the same page for one schedule version,
language and set of filters, so the page is built once and kept in the byte cache (Redis when
configured: every worker and host shares it). The key holds the schedule version, which every
write to the programme replaces (meetings.schedule.versions): a change is seen on the next request,
on every host, and nothing needs deleting. Logged-in readers see their own page (stars, the
secretariat's links), built for them each time and never kept.

Two things on the page are the visitor's own: the form token of the language picker and the
address it returns to. The kept page holds placeholders for them (each a NUL-delimited word: no
content can hold a NUL, requests carrying one are refused), filled in for each request with two
byte replacements. So a kept page of 1,000 sittings is sent without rendering a template, and
the only per-visitor work is signing the visitor's token.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable

from flask import session
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf
from markupsafe import escape

from meetings.cache import remembered
from meetings.schedule.queries import ProgrammeFilter
from meetings.schedule.versions import ScheduleStamp
from meetings.templating import return_path

KEEP_SECONDS = 24 * 3600
PAGE_FORMAT = "4"  # raise when the page's templates change in a way old pages must not show
FORM_KEY_SLOT = "\x00form-token\x00"
RETURN_SLOT = "\x00return-to\x00"


def _key(stamp: ScheduleStamp, filters: ProgrammeFilter) -> str:
    variant = ":".join(
        str(value or "")
        for value in (filters.day, filters.kind.value if filters.kind else None, filters.room_id)
    )
    return f"programme:{PAGE_FORMAT}:{stamp.meeting_id}:{stamp.version}:{get_locale()}:{variant}"


def can_keep() -> bool:
    """Whether this anonymous request may be answered with the kept page: not when a message
    is waiting to be shown to this visitor alone."""
    return not session.get("_flashes")


def programme_for_everyone(
    stamp: ScheduleStamp, filters: ProgrammeFilter, render: Callable[..., str]
) -> bytes:
    """The programme page as every anonymous visitor sees it, with this visitor's form token
    and return address. ``render(csrf_token=..., return_path=...)`` renders the whole page with
    those two template functions replaced; the caller has checked that the public may see the
    meeting (``visible_stamp(None, ...)``) and that ``can_keep()``."""

    def build() -> bytes:
        return render(csrf_token=lambda: FORM_KEY_SLOT, return_path=lambda: RETURN_SLOT).encode()

    key = _key(stamp, filters)
    page = remembered(key, KEEP_SECONDS, build)
    fills = {
        FORM_KEY: str(escape(generate_csrf())).encode(),
        RETURN: str(escape(return_path())).encode(),
    }
    return b"".join(fills.get(part, part) for part in _parts(key, page))


FORM_KEY, RETURN = FORM_KEY_SLOT.encode(), RETURN_SLOT.encode()
_SLOT = re.compile(re.escape(FORM_KEY) + b"|" + re.escape(RETURN))
_split_pages: OrderedDict[str, list[bytes]] = OrderedDict()
_split_lock = threading.Lock()


def _parts(key: str, page: bytes) -> list[bytes]:
    """The kept page cut at its slots, once per process and page (a 1,000-sitting programme is
    400 kB: searching it for the slots on every request cost a third of serving it)."""
    with _split_lock:
        parts = _split_pages.get(key)
        if parts is not None:
            _split_pages.move_to_end(key)
            return parts
    parts, start = [], 0
    for found in _SLOT.finditer(page):
        parts += [page[start : found.start()], found.group()]
        start = found.end()
    parts.append(page[start:])
    with _split_lock:
        _split_pages[key] = parts
        while len(_split_pages) > 64:
            _split_pages.popitem(last=False)
    return parts
