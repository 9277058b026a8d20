"""Jinja filters and globals shared by every template."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, request, url_for
from flask_babel import format_date, get_locale
from flask_login import current_user

from meetings.auth.permissions import Permission, has_permission
from meetings.i18n import LANGUAGE_NAMES, OTHER_LANGUAGES, RIGHT_TO_LEFT, text_direction
from meetings.labels import label, members
from meetings.money import Money, format_money


def in_zone(value: datetime, zone: str) -> datetime:
    return value.astimezone(ZoneInfo(zone))


def zone_abbreviation(value: datetime, zone: str) -> str:
    return in_zone(value, zone).tzname() or zone


def local_datetime(value: datetime | None, zone: str) -> str:
    """A UTC datetime shown in ``zone``: the date in the user's language, the time on the 24-hour
    clock, always labelled with the zone (e.g. 'June 8, 2018, 18:00 EDT')."""
    if value is None:
        return ""
    local = in_zone(value, zone)
    return f"{format_date(local.date(), 'long')}, {local:%H:%M} {local.tzname()}"


def local_time(value: datetime | None, zone: str) -> str:
    """The time on the 24-hour clock in ``zone``. Babel's ``HH:mm`` is the same in all six
    languages (Latin digits), so it is formatted directly: a programme asks for two per row."""
    if value is None:
        return ""
    return f"{in_zone(value, zone):%H:%M}"


def local_date(value: datetime | date | None, format: str = "full", zone: str | None = None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = in_zone(value, zone).date() if zone else value.date()
    return str(format_date(value, format))


@dataclass(frozen=True)
class NavItem:
    """One entry of the main navigation, shown to those who hold ``permission`` (or who are
    logged in, with ``login_required``). ``order`` places it among the other features' entries."""

    label: Any
    endpoint: str
    permission: Permission | None = None
    login_required: bool = False
    order: int = 100
    # Shown only when this holds for the user too (an administrator holds every permission but
    # has no delegation of their own: "My delegation" would be a dead end for them).
    when: Callable[[Any], bool] | None = None


# A later feature's link on a meeting's page: provider(meeting) -> (text, url) or None. The page
# anonymous visitors see is kept per schedule version: a link may not change more often than that
# unless the reader is logged in (``current_user.is_authenticated``).
MeetingLink = Callable[[Any], "tuple[str, str] | None"]


def add_meeting_link(app: Flask, provider: MeetingLink) -> None:
    app.extensions.setdefault("meetings_meeting_links", []).append(provider)


def meeting_links(meeting: Any) -> list[tuple[str, str]]:
    from flask import current_app

    found = []
    for provider in current_app.extensions.get("meetings_meeting_links", []):
        link = provider(meeting)
        if link is not None:
            found.append(link)
    return found


# A later feature's link for one sitting (its page and its calendar entry):
# provider(meeting, sitting) -> (text, path) or None. Asked of no database: the feeds call it for
# every sitting they hold.
SittingLink = Callable[[Any, Any], "tuple[str, str] | None"]
# A later feature's section on a sitting's page: provider(meeting, sitting) -> (template,
# context) or None. The sitting's page is built for each request, so a panel may read the
# database.
SittingPanel = Callable[[Any, Any], "tuple[str, dict[str, Any]] | None"]


def add_sitting_link(app: Flask, provider: SittingLink) -> None:
    app.extensions.setdefault("meetings_sitting_links", []).append(provider)


def add_sitting_panel(app: Flask, provider: SittingPanel) -> None:
    app.extensions.setdefault("meetings_sitting_panels", []).append(provider)


def _provided(key: str, meeting: Any, sitting: Any) -> list[Any]:
    from flask import current_app

    found = []
    for provider in current_app.extensions.get(key, []):
        item = provider(meeting, sitting)
        if item is not None:
            found.append(item)
    return found


def sitting_links(meeting: Any, sitting: Any) -> list[tuple[str, str]]:
    return _provided("meetings_sitting_links", meeting, sitting)


def sitting_panels(meeting: Any, sitting: Any) -> list[tuple[str, dict[str, Any]]]:
    return _provided("meetings_sitting_panels", meeting, sitting)


def add_navigation(app: Flask, *items: NavItem) -> None:
    """A feature's ``init_app`` adds its entries here."""
    entries: list[NavItem] = app.extensions.setdefault("meetings_navigation", [])
    entries.extend(items)
    entries.sort(key=lambda item: item.order)


def navigation(app: Flask) -> list[tuple[Any, str, str]]:
    items = []
    for item in app.extensions.get("meetings_navigation", []):
        if item.endpoint not in app.view_functions:
            continue
        if (item.login_required or item.permission) and not current_user.is_authenticated:
            continue
        if item.permission is not None and not has_permission(current_user, item.permission):
            continue
        if item.when is not None and not item.when(current_user):
            continue
        items.append((item.label, item.endpoint, url_for(item.endpoint)))
    return items


def return_path() -> str:
    """Where a form in the page header (the language picker) brings the reader back to."""
    return request.full_path if request.query_string else request.path


def webcal_url(endpoint: str, **values: Any) -> str:
    """The ``webcal://`` address of a feed, which calendar programs open as a subscription."""
    address = url_for(endpoint, _external=True, **values)
    return "webcal://" + address.split("://", 1)[1]


def register_templating(app: Flask) -> None:
    app.jinja_env.filters.update(
        local_datetime=local_datetime,
        local_time=local_time,
        local_date=local_date,
        zone_abbreviation=zone_abbreviation,
        label=label,
        money=format_money,
        usd=lambda minor: format_money(Money(int(minor), "USD")),
    )
    app.jinja_env.globals["webcal_url"] = webcal_url  # also inside imported macros
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["meeting_links"] = meeting_links
    app.jinja_env.globals["sitting_links"] = sitting_links
    app.jinja_env.globals["sitting_panels"] = sitting_panels
    app.jinja_env.globals["return_path"] = return_path
    app.jinja_env.globals["members"] = members
    app.jinja_env.globals["right_to_left"] = RIGHT_TO_LEFT  # the field macro's ``lang=``
    app.jinja_env.globals["other_languages"] = OTHER_LANGUAGES
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def globals_for_templates() -> dict[str, Any]:
        return {
            "navigation": lambda: navigation(app),
            "has_permission": lambda permission: has_permission(
                current_user, Permission(permission)
            ),
            "language_names": LANGUAGE_NAMES,
            "get_locale": get_locale,
            "text_direction": text_direction,
        }
