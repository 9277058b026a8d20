"""Which sittings each feed shows, their fingerprints (ETag, Last-Modified) and the feed bytes.

A meeting's feed is fingerprinted by its schedule version (meetings.schedule.versions): a 304 or a
cached feed costs one indexed lookup; only an uncached fingerprint loads the meeting and its
sittings with their rooms. A sitting's feed reads the sitting; the personal feed, which follows
registrations and stars, aggregates over the sittings it shows.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy.orm import contains_eager, joinedload

from meetings.audit.services import record
from meetings.auth.models import User
from meetings.cache import remembered
from meetings.calendar.feeds import FeedEvent, FeedHeader, build_calendar
from meetings.errors import NotFound
from meetings.extensions import db
from meetings.labels import label, labeller
from meetings.registration.queries import followed_meeting_ids
from meetings.schedule.models import Meeting, Sitting, SittingKind, StarredSitting
from meetings.schedule.versions import ScheduleStamp
from meetings.templating import sitting_links
from meetings.urls import public_base

FEED_FORMAT = "2"  # raise when the feed's layout changes, so every cached feed is rebuilt
CACHE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Fingerprint:
    etag: str
    last_modified: datetime | None


def _fingerprint(
    scope: str, parts: Iterable[object], last_modified: datetime | None
) -> Fingerprint:
    config = current_app.config
    text = "|".join(
        [
            FEED_FORMAT,
            str(get_locale()),  # the ?lang= variant is another feed
            scope,
            public_base(),
            str(config["CALENDAR_UID_DOMAIN"]),
            *(str(p) for p in parts),
        ]
    )
    return Fingerprint(hashlib.sha256(text.encode()).hexdigest()[:32], last_modified)


def _aggregate(where: sa.ColumnElement[bool]) -> tuple[int, datetime | None, int, int]:
    count, latest, top, revisions = db.session.execute(
        sa.select(
            sa.func.count(Sitting.id),
            sa.func.max(Sitting.updated_at),
            sa.func.max(Sitting.id),
            sa.func.coalesce(sa.func.sum(Sitting.revision), 0),
        )
        .select_from(Sitting)
        .join(Meeting, Meeting.id == Sitting.meeting_id)
        .where(where)
    ).one()
    return int(count), latest, int(top or 0), int(revisions)


def _latest(*moments: datetime | None) -> datetime | None:
    present = [m for m in moments if m is not None]
    return max(present) if present else None


# --- which sittings ------------------------------------------------------------------------------


def _meeting_clause(meeting_id: int, kind: SittingKind | None) -> sa.ColumnElement[bool]:
    clause = Sitting.meeting_id == meeting_id
    return sa.and_(clause, Sitting.kind == kind) if kind is not None else clause


def _personal_clause(user: User) -> sa.ColumnElement[bool]:
    """The sittings a user follows: those of the meetings they are registered for and those they
    starred, in meetings the public may see."""
    starred = sa.select(StarredSitting.sitting_id).where(StarredSitting.user_id == user.id)
    return sa.and_(
        Meeting.is_published,
        sa.or_(Sitting.id.in_(starred), Sitting.meeting_id.in_(followed_meeting_ids(user))),
    )


def _load(where: sa.ColumnElement[bool]) -> list[Sitting]:
    return list(
        db.session.scalars(
            sa.select(Sitting)
            .join(Meeting, Meeting.id == Sitting.meeting_id)
            .options(contains_eager(Sitting.meeting), joinedload(Sitting.room))
            .where(where)
            .order_by(Sitting.starts_at, Sitting.meeting_id, Sitting.number)
        )
    )


# --- fingerprints --------------------------------------------------------------------------------


def meeting_fingerprint(stamp: ScheduleStamp, kind: SittingKind | None) -> Fingerprint:
    """From the meeting's schedule version alone: no query (the stamp is one indexed lookup)."""
    return _fingerprint(
        "meeting", [stamp.meeting_id, kind or "all", stamp.version], stamp.changed_at
    )


def sitting_fingerprint(sitting: Sitting) -> Fingerprint:
    return _fingerprint(
        "sitting",
        [
            sitting.id,
            sitting.revision,
            sitting.updated_at.isoformat(),
            sitting.meeting.updated_at.isoformat(),
        ],
        _latest(sitting.updated_at, sitting.meeting.updated_at),
    )


def personal_fingerprint(user: User) -> Fingerprint:
    count, latest, top, revisions = _aggregate(_personal_clause(user))
    return _fingerprint(
        "personal",
        [user.id, user.calendar_token, user.full_name, count, latest, top, revisions],
        latest,
    )


# --- feeds ---------------------------------------------------------------------------------------


def _events(sittings: Iterable[Sitting]) -> list[FeedEvent]:
    base = public_base()
    domain = current_app.config["CALENDAR_UID_DOMAIN"]
    pages: dict[str, str] = {}  # one url_for and one title per meeting, not per sitting
    titles: dict[str, str] = {}
    kind_label = labeller()
    events = []
    for sitting in sittings:
        meeting = sitting.meeting
        if meeting.code not in pages:
            pages[meeting.code] = (
                base + url_for("schedule.sitting", code=meeting.code, number=0)[:-1]
            )
            titles[meeting.code] = meeting.display_title
        description = titles[meeting.code]
        if sitting.agenda_items:
            description += "\n\n" + sitting.agenda_items
        for text, path in sitting_links(meeting, sitting):
            description += f"\n\n{text}: {base}{path}"
        location = sitting.room.label if sitting.room is not None else meeting.venue
        summary = sitting.title
        if sitting.is_cancelled:
            summary = _("Cancelled: %(title)s", title=sitting.title)
        events.append(
            FeedEvent(
                uid=f"sitting-{sitting.id}@{domain}",
                summary=summary,
                starts_at=sitting.starts_at,
                ends_at=sitting.ends_at,
                zone=meeting.timezone,
                last_modified=sitting.updated_at,
                sequence=sitting.revision,
                cancelled=sitting.is_cancelled,
                location=location,
                description=description,
                url=f"{pages[meeting.code]}{sitting.number}",
                category=kind_label(sitting.kind),
            )
        )
    return events


def _cached(fingerprint: Fingerprint, build: Callable[[], bytes]) -> bytes:
    # in the feed's language: the caller's (views.feed_response)
    return remembered(f"feed:{fingerprint.etag}", CACHE_SECONDS, build)


def meeting_feed(stamp: ScheduleStamp, kind: SittingKind | None, fingerprint: Fingerprint) -> bytes:
    def build() -> bytes:
        meeting = db.session.get_one(Meeting, stamp.meeting_id)
        name = meeting.display_title
        if kind is not None:
            name = f"{meeting.display_title} — {label(kind)}"
        header = FeedHeader(
            name=name, description=f"{meeting.venue}", default_zone=meeting.timezone
        )
        return build_calendar(header, _events(_load(_meeting_clause(meeting.id, kind))))

    return _cached(fingerprint, build)


def sitting_feed(sitting: Sitting, fingerprint: Fingerprint) -> bytes:
    def build() -> bytes:
        header = FeedHeader(
            name=sitting.title,
            description=sitting.meeting.display_title,
            default_zone=sitting.meeting.timezone,
        )
        return build_calendar(header, _events([sitting]))

    return _cached(fingerprint, build)


def personal_feed(user: User, fingerprint: Fingerprint) -> bytes:
    def build() -> bytes:
        header = FeedHeader(
            name=_("My programme — %(name)s", name=user.full_name),
            description=_("Sittings of the meetings you follow"),
        )
        return build_calendar(header, _events(_load(_personal_clause(user))))

    return _cached(fingerprint, build)


# --- personal feed tokens ------------------------------------------------------------------------


def new_token() -> str:
    return secrets.token_urlsafe(24)


def user_for_token(token: str) -> User:
    """The owner of a personal feed token; NotFound (404) for an unknown or revoked one."""
    if not token or len(token) > 64:
        raise NotFound(_("There is no such calendar."))
    user = db.session.scalar(sa.select(User).where(User.calendar_token == token, User.active))
    if user is None:
        raise NotFound(_("There is no such calendar."))
    return user


def regenerate_token(user: User) -> str:
    """A new secret address for the personal feed; the old one answers 404 from now on."""
    had_one = user.calendar_token is not None
    user.calendar_token = new_token()
    db.session.flush()
    record(
        user, "user.calendar_token_regenerated" if had_one else "user.calendar_token_created", user
    )
    return user.calendar_token
