"""The sponsorship report's chart, drawn on the server as SVG (pygal, no script): sponsored
delegates by regional group. The page shows the same numbers in a table beside it."""

from __future__ import annotations

import pygal
from flask_babel import gettext as _

from meetings.fund.charts import STYLE, svg_response, without_script
from meetings.sponsorship.queries import Report

__all__ = ["by_region", "svg_response"]


def by_region(report: Report) -> bytes:
    chart = pygal.HorizontalBar(
        style=STYLE,
        width=760,
        height=max(220, 60 + 40 * len(report.by_region)),
        js=[],
        show_legend=False,
        title=_("Sponsored delegates by regional group"),
        value_formatter=lambda value: f"{value:.0f}",
    )
    regions = sorted(report.by_region)
    chart.x_labels = regions
    chart.add(_("Sponsored"), [report.by_region[r] for r in regions])
    return without_script(chart)
