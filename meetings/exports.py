"""Files people download: CSV lines that a spreadsheet shows and never runs, streamed."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from flask import Response, stream_with_context

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """A spreadsheet shows text, never runs it: a cell that starts like a formula gets a quote."""
    text = "" if value is None else str(getattr(value, "value", value))
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_line(values: Iterable[object]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([safe_cell(v) for v in values])
    return buffer.getvalue()


def csv_response(lines: Iterable[str], filename: str) -> Response:
    """``lines`` streamed as a CSV download named ``filename``."""
    return Response(
        stream_with_context(iter(lines)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
