"""The registration workflow: one table of who may move a registration from which state to which.

    draft → submitted → approved (focal point, first stage) → accredited (secretariat, second stage)
    rejected with a reason at either stage; withdrawn by the participant (who may reopen it as
    a draft while registration is open); cancelled by the secretariat.

Nobody approves or accredits their own registration. Where no one acts as focal point for a State
or organisation (or the only one is the participant), the secretariat takes the first stage too, so
that no registration waits for an approval nobody can give.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from flask_babel import gettext as _

from meetings import clock, mail
from meetings.auth.models import User
from meetings.errors import DomainError
from meetings.extensions import db
from meetings.labels import label
from meetings.registration import access
from meetings.registration.models import Registration
from meetings.registration.models import RegistrationStatus as S
from meetings.registration.rules import check_can_submit, window_is_open, window_message
from meetings.urls import external_url
from meetings.workflow import Workflow


class Actor(StrEnum):
    PARTICIPANT = "participant"
    FOCAL_POINT = "focal_point"
    SECRETARIAT = "secretariat"


P, F, SEC = Actor.PARTICIPANT, Actor.FOCAL_POINT, Actor.SECRETARIAT

# (from, to) → who may make that move.
TRANSITIONS: dict[tuple[S, S], frozenset[str]] = {
    (S.DRAFT, S.SUBMITTED): frozenset({P, F, SEC}),
    (S.SUBMITTED, S.APPROVED): frozenset({F}),
    (S.SUBMITTED, S.REJECTED): frozenset({F, SEC}),
    (S.APPROVED, S.ACCREDITED): frozenset({SEC}),
    (S.APPROVED, S.REJECTED): frozenset({SEC}),
    (S.DRAFT, S.WITHDRAWN): frozenset({P}),
    (S.SUBMITTED, S.WITHDRAWN): frozenset({P}),
    (S.APPROVED, S.WITHDRAWN): frozenset({P}),
    (S.ACCREDITED, S.WITHDRAWN): frozenset({P}),
    # A withdrawn registration is reopened as a draft (registration must still be open): the
    # person registers again without a second row.
    (S.WITHDRAWN, S.DRAFT): frozenset({P}),
    (S.SUBMITTED, S.CANCELLED): frozenset({SEC}),
    (S.APPROVED, S.CANCELLED): frozenset({SEC}),
    (S.ACCREDITED, S.CANCELLED): frozenset({SEC}),
}

# Moves that must say why.
NEEDS_REASON = frozenset({S.REJECTED, S.CANCELLED})


def actor_kinds(actor: User, registration: Registration) -> frozenset[str]:
    """The capacities in which ``actor`` acts on ``registration``. Nobody acts on their own
    registration but as its participant: the focal point who registered themselves, or a member
    of the secretariat, cannot approve or accredit it; the second eye is someone else's."""
    if registration.user_id == actor.id or registration.email == actor.email:
        return frozenset({Actor.PARTICIPANT})
    if registration.status is S.DRAFT and not _completing_on_behalf(actor, registration):
        return frozenset()  # another person's draft (or an open invitation) is theirs to submit
    kinds: set[Actor] = set()
    if access.is_focal_point_of(actor, registration.delegation):
        kinds.add(Actor.FOCAL_POINT)
    if access.is_secretariat(actor):
        kinds.add(Actor.SECRETARIAT)
        # The secretariat takes the first stage where nobody else can give it: no focal point,
        # or the only one is the participant.
        if not access.has_focal_point(registration.delegation, besides=registration.user_id):
            kinds.add(Actor.FOCAL_POINT)
    return frozenset(kinds)


def _completing_on_behalf(actor: User, registration: Registration) -> bool:
    """A focal point or the secretariat submitting the draft they have just filled in for
    someone without an account (adding a member, a late registration)."""
    return (
        registration.user_id is None
        and registration.created_by_id == actor.id
        and bool(registration.family_name)
    )


def _check_move(actor: User | None, registration: Registration, _source: S, target: S) -> None:
    if target is S.DRAFT:
        meeting = registration.meeting
        if not window_is_open(meeting, clock.now()):
            raise DomainError(window_message(meeting, clock.now()))
        registration.status_reason = None
        registration.submitted_at = None
    if target is S.SUBMITTED:
        check_can_submit(actor, registration, clock.now())
        registration.submitted_at = clock.now()
    if target is S.ACCREDITED:
        from meetings.registration.badges import give_badge_code

        give_badge_code(registration)


WORKFLOW: Workflow[S, Registration] = Workflow(
    name="registration",
    table=TRANSITIONS,
    kinds=actor_kinds,
    needs_reason=NEEDS_REASON,
    refusal=lambda current, target: _(
        "A registration that is %(current)s cannot become %(target)s.",
        current=current,
        target=target,
    ),
    not_allowed=lambda: _("You may not make this change to this registration."),
    reason_needed=lambda: _("Give a reason: it is sent to the participant."),
    reason_attribute="status_reason",
    check_move=_check_move,
    notify=lambda registration, before, after, reason: notify(registration, before, after, reason),
)


def allowed_targets(actor: User | None, registration: Registration) -> list[S]:
    """The states this actor may move this registration to (for the buttons on a page)."""
    return WORKFLOW.targets(actor, registration)


def transition(
    actor: User | None, registration: Registration, target: S, *, reason: str = ""
) -> None:
    """Move ``registration`` to ``target``: checks the table, writes the audit log, sends mail.

    ``actor`` None is the system itself (demo data), which may make any move in the table.
    """
    WORKFLOW.move(actor, registration, target, reason=reason)


@dataclass
class BulkResult:
    done: int = 0
    skipped: list[str] | None = None


def bulk_transition(actor: User, registrations: Iterable[Registration], target: S) -> BulkResult:
    """Apply one move to many registrations; those that cannot move are listed, not fatal."""
    result = BulkResult(skipped=[])
    for registration in registrations:
        try:
            with db.session.begin_nested():
                transition(actor, registration, target)
            result.done += 1
        except DomainError as error:
            assert result.skipped is not None
            result.skipped.append(f"{registration.full_name}: {error.message}")
    return result


def notify(registration: Registration, before: S, after: S, reason: str) -> None:
    """Mail the participant, and the focal points of the delegation when it concerns them."""
    if after is S.DRAFT:
        return  # reopened by the participant themselves: nothing to tell anyone
    link = external_url("registration.detail", registration_id=registration.id)
    meeting = registration.meeting
    recipients = [registration.email]
    if after in (S.SUBMITTED, S.ACCREDITED, S.REJECTED, S.WITHDRAWN, S.CANCELLED):
        recipients += focal_point_emails(registration)
    for address in dict.fromkeys(recipients):
        mail.send(
            address,
            lambda: _(
                "%(meeting)s: registration %(status)s",
                meeting=meeting.display_title,
                status=label(after),
            ),
            "mail/registration_status.txt",
            registration=registration,
            meeting=meeting,
            before=before,
            after=after,
            reason=reason,
            link=link,
            to_participant=address == registration.email,
        )


def focal_point_emails(registration: Registration) -> list[str]:
    return [user.email for user in db.session.scalars(access.focal_points(registration.delegation))]
