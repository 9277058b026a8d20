"""The fund's chart, drawn on the server as SVG (pygal, without its JavaScript): money given
(received, less refunds and disputes) against money committed, to date, on a time axis. The page
shows the same numbers in a table beside it."""

from __future__ import annotations

import re

import pygal
from flask import Response
from flask_babel import format_date
from flask_babel import gettext as _
from pygal.style import Style

from meetings.fund.queries import MonthRow

SCRIPT = re.compile(r"<script\b.*?</script>", re.S)

STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1b1b1b",
    foreground_strong="#1b1b1b",
    foreground_subtle="#595959",
    colors=("#005a9c", "#b35900"),  # blue and dark orange: apart for every kind of colour sight
    font_family="DejaVu Sans, Arial, sans-serif",
    label_font_size=12,
    major_label_font_size=12,
    legend_font_size=13,
    title_font_size=15,
)


def without_script(chart: pygal.graph.base.BaseGraph) -> bytes:
    """The chart's SVG. pygal writes its tooltip configuration as inline script even without
    its JavaScript; an image needs none, and the page's policy allows none."""
    return SCRIPT.sub("", chart.render().decode("utf-8")).encode("utf-8")


def svg_response(svg: bytes) -> Response:
    """An SVG image: pygal's own styles inside it may apply; nothing in it may run."""
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


def given_and_committed(rows: list[MonthRow]) -> bytes:
    """Money given and committed to date, on a time axis: months apart by years are drawn
    years apart."""
    chart = pygal.DateLine(
        style=STYLE,
        width=860,
        height=380,
        js=[],
        show_dots=True,
        dots_size=3,
        x_label_rotation=30,
        legend_at_bottom=True,
        title=_("Money given and committed to date (US dollars)"),
        value_formatter=lambda value: f"{value:,.0f}",
        x_value_formatter=lambda day: str(format_date(day, "MMM y")),
        truncate_label=-1,
    )
    chart.add(_("Given"), [(row.month, row.given_to_date.amount / 100) for row in rows])
    chart.add(_("Committed"), [(row.month, row.committed_to_date.amount / 100) for row in rows])
    return without_script(chart)
