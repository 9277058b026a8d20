"""Starring sittings: a user's own selection, shown in their personal calendar feed."""

from __future__ import annotations

import sqlalchemy as sa

from meetings.auth.models import User
from meetings.extensions import db
from meetings.schedule.models import Meeting, Sitting, StarredSitting


def star(user: User, sitting: Sitting) -> None:
    if db.session.get(StarredSitting, (user.id, sitting.id)) is None:
        db.session.add(StarredSitting(user_id=user.id, sitting_id=sitting.id))
        db.session.flush()


def unstar(user: User, sitting: Sitting) -> None:
    starred = db.session.get(StarredSitting, (user.id, sitting.id))
    if starred is not None:
        db.session.delete(starred)
        db.session.flush()


def starred_ids(user: User | None, meeting: Meeting) -> set[int]:
    """Ids of the sittings of ``meeting`` that ``user`` starred (one query; none for visitors)."""
    if user is None:
        return set()
    return set(
        db.session.scalars(
            sa.select(StarredSitting.sitting_id)
            .join(Sitting, Sitting.id == StarredSitting.sitting_id)
            .where(StarredSitting.user_id == user.id, Sitting.meeting_id == meeting.id)
        )
    )
