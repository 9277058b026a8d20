"""Domain errors raised by services, and how every error becomes a page."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

import sqlalchemy.exc as sa_exc
from flask import g, render_template, request
from flask.globals import request_ctx
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

if TYPE_CHECKING:
    from flask import Flask
    from werkzeug.wrappers import Response

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A rule was broken. ``message`` is a sentence a user can read; ``field`` names the form
    field it belongs to, when there is one."""

    status_code = 422

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class PermissionDenied(DomainError):
    status_code = 403


class NotFound(DomainError):
    status_code = 404


class Conflict(DomainError):
    status_code = 409


class Incomplete(DomainError):
    """Several things are missing at once: each is said beside its own field (``problems``:
    field name, sentence), so that the form lists every one, not the first."""

    def __init__(self, problems: list[tuple[str | None, str]]) -> None:
        super().__init__(" ".join(message for _field, message in problems))
        self.problems = problems


ERROR_TITLES = {
    400: lazy_gettext("Bad request"),
    403: lazy_gettext("Not allowed"),
    404: lazy_gettext("Page not found"),
    405: lazy_gettext("Method not allowed"),
    409: lazy_gettext("Conflict"),
    413: lazy_gettext("File too large"),
    422: lazy_gettext("That cannot be done"),
    429: lazy_gettext("Too many attempts"),
    500: lazy_gettext("Something went wrong"),
    503: lazy_gettext("Service unavailable"),
}


def explanation(code: int) -> str:
    from meetings.documents.storage import upload_limit_mb

    explanations: dict[int, str] = {
        400: _(
            "The request could not be understood. If you submitted a form, reload the page and "
            "try again."
        ),
        403: _("You do not have permission to do this."),
        404: _("There is nothing at this address. It may have moved, or the link may be wrong."),
        405: _("This address does not accept that kind of request."),
        413: _(
            "What you sent is larger than this site accepts: files may be at most %(mb)d MB. "
            "Please go back and choose a smaller file.",
            mb=upload_limit_mb(),
        ),
        429: _("Too many attempts in a short time. Please wait a minute and try again."),
        500: _("An unexpected error occurred. It has been logged; please try again later."),
        503: _("The service is temporarily unavailable. Please try again shortly."),
    }
    return explanations.get(code, "")


def render_error(code: int, message: str | None = None) -> tuple[str, int]:
    title = ERROR_TITLES.get(code, ERROR_TITLES[500])
    return (
        render_template(
            "errors/error.html", code=code, title=title, message=message or explanation(code)
        ),
        code,
    )


# A later feature's own form of an error for its requests (the JSON API answers with problem
# details): renderer(code, message, error) -> a response, or None for the page.
ErrorRenderer = Callable[[int, str | None, Exception | None], "Response | None"]


def add_error_renderer(app: Flask, renderer: ErrorRenderer) -> None:
    app.extensions.setdefault("meetings_error_renderers", []).append(renderer)


def _rendered_elsewhere(code: int, message: str | None, error: Exception | None) -> Response | None:
    from flask import current_app

    renderers: list[ErrorRenderer] = current_app.extensions.get("meetings_error_renderers", [])
    for renderer in renderers:
        response = renderer(code, message, error)
        if response is not None:
            return response
    return None


def register_error_handlers(app: Flask) -> None:
    from meetings.extensions import db, login_manager

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError) -> Response | tuple[str, int]:
        db.session.rollback()
        elsewhere = _rendered_elsewhere(error.status_code, error.message, error)
        if elsewhere is not None:
            return elsewhere
        return render_error(error.status_code, error.message)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> Response | tuple[str, int]:
        db.session.rollback()
        elsewhere = _rendered_elsewhere(400, None, error)
        if elsewhere is not None:
            return elsewhere
        return render_error(
            400,
            _(
                "The form had expired or was not sent from this site. Nothing was saved; "
                "please go back, reload the page and try again."
            ),
        )

    @app.errorhandler(sa_exc.OperationalError)
    @app.errorhandler(sa_exc.InterfaceError)
    def database_unavailable(
        error: sa_exc.DBAPIError,
    ) -> Response | tuple[str, int, dict[str, str]]:
        """The database did not answer (down, restarting, unreachable, locked too long): say so
        with a 503 and no detail. The connection pool checks connections before use
        (``pool_pre_ping``), so the first request after the database returns succeeds."""
        log.error("database unavailable: %s", type(error.orig).__name__ if error.orig else error)
        from meetings.home import health

        health.forget()
        try:
            db.session.rollback()
        except sa_exc.SQLAlchemyError:
            db.session.close()
        # The page must not ask the database who is logged in: it is shown as to a visitor.
        g._login_user = login_manager.anonymous_user()
        elsewhere = _rendered_elsewhere(503, None, error)
        if elsewhere is not None:
            elsewhere.headers["Retry-After"] = "30"
            return elsewhere
        page, code = render_error(503)
        return page, code, {"Retry-After": "30"}

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response | tuple[str, int]:
        if error.code is None or error.code < 400:
            return error.get_response()
        if request_ctx.url_adapter is None:
            # Refused before routing (a host not in TRUSTED_HOSTS): no page of ours can be built
            # for a host we do not serve; the bare answer says enough.
            return error.get_response()
        db.session.rollback()
        elsewhere = _rendered_elsewhere(error.code, None, error)
        if elsewhere is not None:
            return elsewhere
        if request.accept_mimetypes.best == "application/json":
            return error.get_response()
        return render_error(error.code)
