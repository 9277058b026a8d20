"""Feed endpoints: conditional GET (ETag, Last-Modified), HEAD, and the personal feed token."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response as BaseResponse

from meetings.auth.current import current_account, current_actor
from meetings.calendar import services
from meetings.errors import NotFound
from meetings.forms import act
from meetings.i18n import feed_language
from meetings.schedule.models import SittingKind
from meetings.schedule.services import visible_meeting, visible_stamp
from meetings.schedule.sittings import sitting_of

bp = Blueprint("calendar", __name__)

MIMETYPE = "text/calendar"


def _not_modified(fingerprint: services.Fingerprint) -> bool:
    if request.if_none_match:
        return request.if_none_match.contains(fingerprint.etag)
    since = request.if_modified_since
    if since is not None and fingerprint.last_modified is not None:
        return fingerprint.last_modified.replace(microsecond=0) <= since
    return False


def feed_response(
    version: Callable[[], services.Fingerprint],
    build: Callable[[services.Fingerprint], bytes],
    *,
    filename: str,
    private: bool = False,
) -> BaseResponse:
    """304 without building when the client has this version; otherwise the (cached) feed. Both
    are made in the language of the feed's address (``?lang=``), never the reader's."""
    with force_locale(feed_language()):
        fingerprint = version()
        body = None if _not_modified(fingerprint) else build(fingerprint)
    headers = {
        "ETag": f'"{fingerprint.etag}"',
        "Cache-Control": ("private" if private else "public") + ", max-age=0, must-revalidate",
    }
    if body is None:
        return Response(status=304, headers=headers)
    response = Response(body, mimetype=MIMETYPE, headers=headers)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    if fingerprint.last_modified is not None:
        response.last_modified = fingerprint.last_modified
    disposition = "attachment" if request.args.get("download") else "inline"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    if private:
        response.headers["X-Robots-Tag"] = "noindex"
        response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _kind(value: str) -> SittingKind:
    try:
        return SittingKind(value)
    except ValueError:
        raise NotFound(_("There is no such kind of sitting.")) from None


@bp.get("/meetings/<code>/calendar.ics")
def meeting_feed(code: str) -> BaseResponse:
    return _meeting_feed(code, None)


@bp.get("/meetings/<code>/calendar/<kind>.ics")
def meeting_kind_feed(code: str, kind: str) -> BaseResponse:
    return _meeting_feed(code, _kind(kind))


def _meeting_feed(code: str, kind: SittingKind | None) -> BaseResponse:
    stamp = visible_stamp(current_actor(), code)
    suffix = f"-{kind.value}" if kind else ""
    return feed_response(
        lambda: services.meeting_fingerprint(stamp, kind),
        lambda fingerprint: services.meeting_feed(stamp, kind, fingerprint),
        filename=f"{stamp.code.lower()}{suffix}.ics",
    )


@bp.get("/meetings/<code>/sittings/<int:number>.ics")
def sitting_feed(code: str, number: int) -> BaseResponse:
    meeting = visible_meeting(current_actor(), code)
    sitting = sitting_of(meeting, number)
    return feed_response(
        lambda: services.sitting_fingerprint(sitting),
        lambda fingerprint: services.sitting_feed(sitting, fingerprint),
        filename=f"{meeting.code.lower()}-{number}.ics",
    )


@bp.get("/calendar/<token>.ics")
def personal_feed(token: str) -> BaseResponse:
    user = services.user_for_token(token)
    return feed_response(
        lambda: services.personal_fingerprint(user),
        lambda fingerprint: services.personal_feed(user, fingerprint),
        filename="my-programme.ics",
        private=True,
    )


@bp.post("/account/calendar")
@login_required
def regenerate_token() -> BaseResponse:
    return act(
        lambda: services.regenerate_token(current_account()),
        success=_("Your calendar has a new secret address. The old one no longer works."),
        back=url_for("auth.account") + "#calendar",
    )
