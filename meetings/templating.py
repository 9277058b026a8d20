"""Jinja filters and globals shared by every template."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, url_for
from flask_babel import format_date, format_time, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from meetings.auth.forms import ROLE_LABELS
from meetings.auth.permissions import Permission, has_permission
from meetings.i18n import LANGUAGE_NAMES, text_direction


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
    if value is None:
        return ""
    return str(format_time(in_zone(value, zone).replace(tzinfo=None), "HH:mm"))


def local_date(value: datetime | date | None, format: str = "full", zone: str | None = None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = in_zone(value, zone).date() if zone else value.date()
    return str(format_date(value, format))


@dataclass(frozen=True)
class NavItem:
    label: Any
    endpoint: str
    permission: Permission | None = None
    login_required: bool = False


NAVIGATION: tuple[NavItem, ...] = (
    NavItem(_l("Meetings"), "schedule.meetings"),
    NavItem(_l("Dashboard"), "home.dashboard", login_required=True),
    NavItem(_l("My delegation"), "delegations.index", Permission.MANAGE_DELEGATION),
    NavItem(
        _l("Registrations"),
        "secretariat_registration.registrations",
        Permission.MANAGE_REGISTRATIONS,
    ),
    NavItem(_l("Check-in"), "secretariat_registration.check_in", Permission.MANAGE_REGISTRATIONS),
    NavItem(
        _l("Programme management"), "secretariat_schedule.meetings", Permission.MANAGE_SCHEDULE
    ),
    NavItem(_l("Rooms"), "secretariat_schedule.rooms", Permission.MANAGE_SCHEDULE),
    NavItem(_l("Users"), "users.index", Permission.MANAGE_USERS),
    NavItem(_l("Audit log"), "users.audit_log", Permission.VIEW_AUDIT_LOG),
)


def navigation(app: Flask) -> list[tuple[Any, str, str]]:
    items = []
    for item in NAVIGATION:
        if item.endpoint not in app.view_functions:
            continue
        if item.permission is not None and not has_permission(current_user, item.permission):
            continue
        if (item.login_required or item.permission) and not current_user.is_authenticated:
            continue
        items.append((item.label, item.endpoint, url_for(item.endpoint)))
    return items


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
    )
    app.jinja_env.globals["webcal_url"] = webcal_url  # also inside imported macros
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
            "role_label": lambda role: ROLE_LABELS.get(role, role),
        }
