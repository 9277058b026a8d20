"""Files people download: streamed CSV responses."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Response, stream_with_context


def csv_response(lines: Iterable[str], filename: str) -> Response:
    """``lines`` streamed as a CSV download named ``filename``."""
    return Response(
        stream_with_context(iter(lines)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
