"""Shared form helpers: putting a service's DomainError beside the field it concerns."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from flask_wtf import FlaskForm
from wtforms import SelectChoice

from meetings.errors import DomainError


def attach_error(form: FlaskForm, error: DomainError) -> None:
    """Show ``error`` beside its field, or above the form when it belongs to no field."""
    field = form._fields.get(error.field) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def safe_next(target: str | None) -> str | None:
    """A redirect target only when it is a path on this site (no scheme, no host)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


def options(
    pairs: Iterable[tuple[object, object]], *, blank: str | None = None
) -> list[SelectChoice]:
    """Choices for a SelectField from (value, label) pairs, with an optional empty first option."""
    choices = [SelectChoice("", blank)] if blank is not None else []
    choices += [SelectChoice(str(value), str(label)) for value, label in pairs]
    return choices
