"""The lists of speakers themselves: the secretariat opens one for a meeting (tied to the
sittings it runs in), sets each speaker's time, and closes it for inscription."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from meetings import clock
from meetings.audit.services import record
from meetings.auth.models import User
from meetings.auth.permissions import Permission, require
from meetings.errors import DomainError, NotFound
from meetings.extensions import db
from meetings.floor.models import SpeakersList
from meetings.schedule.models import Sitting, SittingStatus

SECRETARIAT = Permission.MANAGE_SCHEDULE
SHORTEST, LONGEST = 30, 3600  # a speaker's time, in seconds


def list_by_id(list_id: int, *, with_sittings: bool = False) -> SpeakersList:
    query = sa.select(SpeakersList).where(SpeakersList.id == list_id)
    if with_sittings:
        query = query.options(selectinload(SpeakersList.sittings))
    found = db.session.scalar(query)
    if found is None:
        raise NotFound(_("There is no such list of speakers."))
    return found


def _check_time_limit(seconds: int) -> None:
    if not SHORTEST <= seconds <= LONGEST:
        raise DomainError(
            _("A speaker's time is between 30 seconds and an hour."), field="time_limit"
        )


def _sittings(meeting_id: int, sitting_ids: Sequence[int]) -> list[Sitting]:
    if not sitting_ids:
        return []
    found = list(
        db.session.scalars(
            sa.select(Sitting)
            .where(Sitting.id.in_(sitting_ids), Sitting.meeting_id == meeting_id)
            .order_by(Sitting.starts_at)
        )
    )
    if len(found) != len(set(sitting_ids)):
        raise DomainError(_("Choose sittings of this meeting."), field="sittings")
    return found


def create_list(
    actor: User,
    meeting_id: int,
    title: str,
    opens_at: datetime,
    time_limit_seconds: int,
    sitting_ids: Sequence[int] = (),
) -> SpeakersList:
    require(actor, SECRETARIAT)
    title = title.strip()
    if not title:
        raise DomainError(_("Enter the title of the list, e.g. General debate."), field="title")
    _check_time_limit(time_limit_seconds)
    exists = db.session.scalar(
        sa.select(SpeakersList.id).where(
            SpeakersList.meeting_id == meeting_id, SpeakersList.title == title[:200]
        )
    )
    if exists:
        raise DomainError(_("This meeting already has a list with this title."), field="title")
    speakers = SpeakersList(
        meeting_id=meeting_id,
        title=title[:200],
        opens_at=opens_at,
        time_limit_seconds=time_limit_seconds,
    )
    speakers.sittings = _sittings(meeting_id, sitting_ids)
    db.session.add(speakers)
    db.session.flush()
    record(
        actor,
        "speakers_list.created",
        speakers,
        after={"title": speakers.title, "sittings": [s.number for s in speakers.sittings]},
    )
    return speakers


def set_time_limit(actor: User, speakers: SpeakersList, seconds: int) -> SpeakersList:
    """The presiding officer's time per speaker, changed as the debate runs (it applies to the
    speakers still waiting)."""
    require(actor, SECRETARIAT)
    _check_time_limit(seconds)
    before = speakers.time_limit_seconds
    if before == seconds:
        return speakers
    speakers.time_limit_seconds = seconds
    db.session.flush()
    record(
        actor,
        "speakers_list.time_limit",
        speakers,
        before={"seconds": before},
        after={"seconds": seconds},
    )
    return speakers


def close_list(actor: User, speakers: SpeakersList) -> SpeakersList:
    """No more inscriptions; the speakers already on it keep their places."""
    require(actor, SECRETARIAT)
    if speakers.closed_at is not None:
        raise DomainError(_("This list is already closed for inscription."))
    speakers.closed_at = clock.now()
    db.session.flush()
    record(actor, "speakers_list.closed", speakers)
    return speakers


def lists_of(meeting_id: int) -> list[SpeakersList]:
    return list(
        db.session.scalars(
            sa.select(SpeakersList)
            .where(SpeakersList.meeting_id == meeting_id)
            .options(selectinload(SpeakersList.sittings))
            .order_by(SpeakersList.opens_at, SpeakersList.id)
        )
    )


def sittings_to_choose(meeting_id: int) -> list[Sitting]:
    """The meeting's scheduled sittings a list can be tied to."""
    return list(
        db.session.scalars(
            sa.select(Sitting)
            .where(Sitting.meeting_id == meeting_id, Sitting.status == SittingStatus.SCHEDULED)
            .order_by(Sitting.starts_at)
        )
    )
