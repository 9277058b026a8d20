"""Shared form helpers, and the one way a view runs a service for a POST.

A view parses the request, then hands the service call to :func:`perform` (or to one of the two
shapes built on it: :func:`submit_form` for a page with a form, :func:`act` for a button). The
helper owns the transaction, the way Indico's ``RH.process()`` does: it commits when the service
returns, and when the service raises :class:`DomainError` it rolls back and puts the message
beside the field it names (or above the form, or in a flash message for a button). Views never
call ``commit()`` or catch ``DomainError`` themselves.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit

import sqlalchemy.exc as sa_exc
from flask import flash, redirect
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from markupsafe import Markup
from werkzeug.datastructures import CombinedMultiDict, FileStorage, MultiDict
from werkzeug.wrappers import Response
from wtforms import DateField, SelectChoice
from wtforms.widgets import HiddenInput

from meetings.clock import FIRST_YEAR, LAST_YEAR
from meetings.errors import Conflict, DomainError, Incomplete, NotFound, PermissionDenied
from meetings.extensions import db

log = logging.getLogger(__name__)

T = TypeVar("T")


class Form(FlaskForm):
    """The base of every form of the application. A file sent where text is expected is left
    out (WTForms would hand the field a file object: a TypeError, a 500), and text sent where a
    file is expected is ignored by the file field itself.

    A form shown on a page beside another with the same field names sets ``prefix`` (its fields
    become ``<prefix>-<name>``), so that every id on the page is unique."""

    prefix: str = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", type(self).prefix)
        super().__init__(*args, **kwargs)

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form: Any, formdata: Any) -> Any:
            data = super().wrap_formdata(form, formdata)
            if not isinstance(data, CombinedMultiDict):
                return data
            files = {field.name for field in form if isinstance(field, FileField)}
            kept: MultiDict[str, Any] = MultiDict()
            for source in data.dicts:
                for key, value in source.items(multi=True):
                    if not isinstance(value, FileStorage) or key in files:
                        kept.add(key, value)
            return kept

    def hidden_tag(self, *fields: Any) -> Markup:
        """The hidden fields (the CSRF token) without ids: a page holds many forms, and an id
        must be unique on a page."""
        chosen = [
            getattr(self, f) if isinstance(f, str) else f
            for f in (fields or [f for f in self if isinstance(f.widget, HiddenInput)])
        ]
        return Markup("").join(f(id=False) for f in chosen)


class ConfirmForm(Form):
    """A bare form for buttons that change state: it carries the CSRF token."""


class Day(DateField):
    """A date field that refuses years no meeting, pledge or deadline can have (a slip of the
    keyboard, and beyond 9999 an overflow waiting to happen)."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata(valuelist)
        # The date stays in ``data`` so that DataRequired does not replace this message with its
        # own; the form does not validate, so nothing reads it.
        if self.data is not None and not FIRST_YEAR <= self.data.year <= LAST_YEAR:
            raise ValueError(
                _("Enter a date between %(first)d and %(last)d.", first=FIRST_YEAR, last=LAST_YEAR)
            )


# --- running a service call ----------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What a service call came to: true when it succeeded (``value``), false with ``error``."""

    value: T | None = None
    error: DomainError | None = None

    def __bool__(self) -> bool:
        return self.error is None


# PostgreSQL's answers to two transactions that got in each other's way: a deadlock, and a
# serializable transaction that lost. Either may simply be run again.
RETRIED_SQLSTATES = frozenset({"40P01", "40001"})
ATTEMPTS = 3


def _sqlstate(error: sa_exc.DBAPIError) -> str | None:
    return getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)


def is_duplicate(error: sa_exc.IntegrityError) -> bool:
    """A unique key refused a row: the same thing was done at the same moment (or just before)
    by another request, which the service's own check could not yet see."""
    return _sqlstate(error) == "23505" or "UNIQUE constraint failed" in str(error.orig)


def _refuse(error: DomainError, form: FlaskForm | None) -> Outcome[Any]:
    db.session.rollback()
    if form is not None:
        attach_error(form, error)
    else:
        flash(error.message, "error")
    return Outcome(error=error)


def perform(call: Callable[[], T], *, form: FlaskForm | None = None) -> Outcome[T]:
    """Run ``call`` in the request's transaction and commit it. On DomainError roll back; the
    message goes beside ``form``'s field named by the error (above the form when the field is
    not in it), or into a flash message when there is no form.

    Two identical requests at the same moment (a double click, a retry, two people) are answered
    plainly, never with an error page: a unique key that refuses the second is said as "done
    already"; a deadlock or a lost serializable transaction is run again (up to three times).

    PermissionDenied and NotFound are not the user's input to correct: they go on to the error
    pages (403, 404), which roll back too."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            value = call()
            db.session.commit()
        except (PermissionDenied, NotFound):
            raise
        except DomainError as error:
            return _refuse(error, form)
        except sa_exc.IntegrityError as error:
            if not is_duplicate(error):
                raise
            log.info("a duplicate refused by a unique key: %s", error.orig)
            return _refuse(
                Conflict(
                    _(
                        "This was done already, perhaps by another request at the same moment; "
                        "nothing was saved twice. Reload the page to see where things stand."
                    )
                ),
                form,
            )
        except sa_exc.OperationalError as error:
            if _sqlstate(error) not in RETRIED_SQLSTATES or attempt == ATTEMPTS:
                raise
            db.session.rollback()
            log.info("contention, attempt %d: %s", attempt, _sqlstate(error))
            continue
        return Outcome(value=value)
    raise AssertionError("unreachable")  # pragma: no cover


def run(call: Callable[[], T]) -> T:
    """For endpoints that answer machines, not people (a payment provider's webhook): run
    ``call`` and commit; on any error roll back and let the caller answer."""
    try:
        value = call()
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return value


Message = str | Callable[[Any], str] | None
Target = str | Callable[[Any], str]


def _resolve(thing: Message | Target, value: object) -> str | None:
    return thing(value) if callable(thing) else thing


def submit_form(
    form: FlaskForm, call: Callable[[], T], *, success: Message, then: Target
) -> Response | None:
    """For a page with a form: when it was posted and is valid, run ``call``; on success flash
    ``success`` and redirect to ``then`` (each may be a function of the call's result). None
    means: render the page again (it shows the form's errors and keeps what was typed)."""
    if not form.validate_on_submit():
        return None
    outcome = perform(call, form=form)
    if not outcome:
        return None
    message = _resolve(success, outcome.value)
    if message:
        flash(message, "success")
    return redirect(_resolve(then, outcome.value) or "/")


def act(
    call: Callable[[], T],
    *,
    success: Message,
    back: str,
    form: FlaskForm | None = None,
    invalid: str | None = None,
) -> Response:
    """For a button that changes state: check its form (CSRF), run ``call``, flash the result
    or the refusal, and go ``back``. ``invalid`` is flashed when the form does not validate
    (its own messages otherwise)."""
    form = form if form is not None else ConfirmForm()
    if form.validate_on_submit():
        outcome = perform(call)
        message = _resolve(success, outcome.value) if outcome else None
        if message:
            flash(message, "success")
    else:
        flash(invalid or " ".join(form_messages(form)) or _("Choose what to do."), "error")
    return redirect(back)


# --- showing errors ------------------------------------------------------------------------------


def attach_error(form: FlaskForm, error: DomainError) -> None:
    """Show ``error`` beside its field, or above the form when it belongs to no field (each of
    an Incomplete's problems beside its own)."""
    if isinstance(error, Incomplete):
        for name, message in error.problems:
            attach_error(form, DomainError(message, field=name))
        return
    field = form._fields.get(error.field) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)
    form.error_status = max(getattr(form, "error_status", 0), error.status_code)


def form_messages(form: FlaskForm) -> list[str]:
    """Every message of ``form``, its own and its fields' (for a flash after a button)."""
    messages = list(form.form_errors)
    for name, errors in form.errors.items():
        if name is not None:
            messages += [str(e) for e in errors]
    return messages


def status_for(*forms: object) -> int:
    """The status of a page that shows ``forms``: 200, or 422 when one has errors (413 when the
    error was a file that is too large)."""
    status = 200
    for form in forms:
        if getattr(form, "errors", None) or getattr(form, "form_errors", None):
            status = max(status, 413 if getattr(form, "error_status", 0) == 413 else 422)
    return status


# --- small helpers -------------------------------------------------------------------------------


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
    pairs: Iterable[tuple[object, object]] | Mapping[Any, Any], *, blank: str | None = None
) -> list[SelectChoice]:
    """Choices for a SelectField from (value, label) pairs or an enum's label table, with an
    optional empty first option. Labels are kept as given: lazy strings stay lazy and are
    translated when the form is shown."""
    if isinstance(pairs, Mapping):
        pairs = [(member.value, text) for member, text in pairs.items()]
    choices = [SelectChoice("", blank)] if blank is not None else []
    choices += [SelectChoice(str(value), label) for value, label in pairs]
    return choices


def parse_choice(kind: type[T], value: str | None, message: str, *, field: str | None = None) -> T:
    """``kind(value)`` for an enum posted by a button or select; DomainError with ``message``
    when the value is not one of its members."""
    try:
        return kind(value or "")  # type: ignore[call-arg]
    except ValueError:
        raise DomainError(message, field=field) from None
