"""Sponsorship: calls, applications by States, reviews and awards against the fund, travel,
attendance and settlement."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from meetings.sponsorship import labels, models  # noqa: F401
