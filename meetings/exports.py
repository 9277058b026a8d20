"""Files people download: CSV that opens cleanly in a spreadsheet (UTF-8 with a byte-order mark,
so that Excel reads the accents; words, not codes; times at the venue to the minute) and that a
spreadsheet shows and never runs. Streamed."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Response, stream_with_context
from flask_babel import gettext as _

BOM = "\ufeff"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A cell a spreadsheet could only read as a number or a telephone number: digits, spaces,
# brackets, dots, slashes, dashes and a leading sign. Nothing in it can call a function, name a
# cell or reach another program, so it is left as it is ("+41 22 917 1234" stays readable).
INERT = re.compile(r"[+-]?[\d\s().\-/]*\d[\d\s().\-/]*")


class Telephone(str):
    """A cell that holds a telephone number (see ``telephone_cell``)."""

    __slots__ = ()


def safe_cell(value: object) -> str:
    """A spreadsheet shows text, never runs it: a cell that starts like a formula gets a quote,
    unless it is only a number or a telephone number."""
    text = "" if value is None else str(getattr(value, "value", value))
    if isinstance(value, Telephone) and text.startswith("+") and INERT.fullmatch(text):
        return telephone_cell(text)
    if text.startswith(FORMULA_START) and not INERT.fullmatch(text):
        return "'" + text
    return text


def telephone_cell(number: str) -> str:
    """A telephone number as Excel keeps it. Excel reads a cell that starts with "+" as a
    formula: "+41 22 917 1234" becomes an error (the spaces are its intersection operator) and
    "+41229171234" a number in scientific notation, the plus lost. Written as ="+41 22 917 1234"
    it is shown exactly as typed, in Excel and LibreOffice. Only a number made of digits,
    spaces, brackets, dots, dashes and slashes is written so (nothing in it can run); anything
    else goes through ``safe_cell``."""
    text = number.strip()
    if text.startswith("+") and INERT.fullmatch(text):
        return f'="{text}"'
    return text


def csv_line(values: Iterable[object]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([safe_cell(v) for v in values])
    return buffer.getvalue()


def yes_no(value: bool) -> str:
    return str(_("yes")) if value else str(_("no"))


def venue_time(moment: datetime | None, zone: ZoneInfo) -> str:
    """A moment at the venue, to the minute (the zone is the meeting's; the file says which)."""
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else ""


def csv_response(lines: Iterable[str], filename: str) -> Response:
    """``lines`` streamed as a CSV download named ``filename``, with the byte-order mark that
    tells Excel it is UTF-8."""

    def with_mark() -> Iterator[str]:
        yield BOM
        yield from lines

    return Response(
        stream_with_context(with_mark()),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
