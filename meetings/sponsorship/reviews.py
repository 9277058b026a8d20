"""Reviews: several fund administrators score an application from 1 to 5 with an assessment that
only fund administrators read. What the State's focal point reads is a message to the State,
written in its own field: sharing is never a box left ticked. Nobody reviews the application of
their own State."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from meetings import clock
from meetings.audit.services import record
from meetings.auth.models import User
from meetings.auth.permissions import Permission, has_permission, require
from meetings.errors import DomainError
from meetings.extensions import db
from meetings.sponsorship import rules
from meetings.sponsorship.models import Application, Review
from meetings.sponsorship.models import ApplicationStatus as S

REVIEWABLE = (S.SUBMITTED, S.ELIGIBLE, S.UNDER_REVIEW)


def review(
    actor: User,
    application: Application,
    score: int,
    comment: str,
    *,
    message_to_state: str = "",
) -> Review:
    require(actor, Permission.REVIEW_SPONSORSHIP)
    rules.check_not_own_state(actor, application)
    if application.status not in REVIEWABLE:
        raise DomainError(_("This application is no longer being reviewed."))
    if not 1 <= score <= 5:
        raise DomainError(_("Score from 1 (weak) to 5 (strong)."), field="score")
    found = db.session.scalar(
        sa.select(Review).where(
            Review.application_id == application.id, Review.reviewer_id == actor.id
        )
    )
    if found is None:
        found = Review(application_id=application.id, reviewer_id=actor.id)
        db.session.add(found)
    found.score = score
    found.comment = comment.strip()[:5000]
    found.message_to_state = message_to_state.strip()[:5000]
    found.reviewed_at = clock.now()
    db.session.flush()
    record(
        actor,
        "sponsorship_review.saved",
        application,
        after={"score": score, "message_to_state": found.message_to_state},
    )
    return found


@dataclass(frozen=True)
class ShownReview:
    reviewer: str
    score: int | None
    comment: str
    message_to_state: str


def reviews_for(actor: User | None, application: Application) -> list[ShownReview]:
    """What ``actor`` may read of the reviews: everything for fund administrators; for the
    State, the messages written to it, without scores, assessments or names."""
    rows = db.session.execute(
        sa.select(Review, User.full_name)
        .join(User, User.id == Review.reviewer_id)
        .where(Review.application_id == application.id)
        .order_by(Review.reviewed_at)
    ).all()
    if has_permission(actor, Permission.REVIEW_SPONSORSHIP):
        return [ShownReview(name, r.score, r.comment, r.message_to_state) for r, name in rows]
    return [
        ShownReview(str(_("The fund's administrators")), None, "", r.message_to_state)
        for r, _name in rows
        if r.message_to_state
    ]
