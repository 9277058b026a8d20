"""Sections other features add to the public page of the fund (sponsorship adds whom the fund
brought to each meeting), without the fund knowing about them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app


@dataclass(frozen=True)
class PublicSection:
    """A template under templates/ and the function that gives its context."""

    template: str
    context: Callable[[], dict[str, Any]]


def add_public_section(app: Flask, section: PublicSection) -> None:
    app.extensions.setdefault("fund_public_sections", []).append(section)


def public_sections() -> list[tuple[str, dict[str, Any]]]:
    return [
        (section.template, section.context())
        for section in current_app.extensions.get("fund_public_sections", [])
    ]
