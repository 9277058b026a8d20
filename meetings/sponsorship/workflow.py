"""The one transition table of a sponsorship application, and who may make each move.

    draft → submitted → incomplete (an administrator asks; the State completes and resubmits)
      → eligible → under review → offered → accepted | declined (or expired, unanswered)
      → travel booked → attended | no-show → settled
    rejected (with a reason) before an offer; withdrawn by the State or cancelled by the fund
    before travel.

Moves that end an offer release its money in the fund's ledger (``offers.py``); every move is
audited and mailed to the focal points (and the nominee where it concerns them).
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import format_date
from flask_babel import gettext as _

from meetings import clock
from meetings.auth.models import User
from meetings.auth.permissions import Permission, acts_for, has_permission
from meetings.errors import DomainError
from meetings.sponsorship import rules
from meetings.sponsorship.models import Application
from meetings.sponsorship.models import ApplicationStatus as S
from meetings.workflow import Workflow

FOCAL = frozenset({"focal_point"})
FUND = frozenset({"fund_administrator"})
SYSTEM = frozenset({"system"})  # no person holds it: the expiry command

TRANSITIONS: dict[tuple[S, S], frozenset[str]] = {
    (S.DRAFT, S.SUBMITTED): FOCAL,
    (S.SUBMITTED, S.INCOMPLETE): FUND,
    (S.INCOMPLETE, S.SUBMITTED): FOCAL,
    (S.SUBMITTED, S.ELIGIBLE): FUND,
    (S.SUBMITTED, S.REJECTED): FUND,
    (S.ELIGIBLE, S.UNDER_REVIEW): FUND,
    (S.ELIGIBLE, S.REJECTED): FUND,
    (S.UNDER_REVIEW, S.OFFERED): FUND,
    (S.UNDER_REVIEW, S.REJECTED): FUND,
    (S.OFFERED, S.ACCEPTED): FOCAL,
    (S.OFFERED, S.DECLINED): FOCAL,
    (S.OFFERED, S.EXPIRED): SYSTEM,
    (S.ACCEPTED, S.TRAVEL_BOOKED): FUND,
    (S.TRAVEL_BOOKED, S.ATTENDED): FUND,
    (S.TRAVEL_BOOKED, S.NO_SHOW): FUND,
    (S.ATTENDED, S.SETTLED): FUND,
    (S.NO_SHOW, S.SETTLED): FUND,
    **{
        (source, S.WITHDRAWN): FOCAL
        for source in (
            S.DRAFT,
            S.SUBMITTED,
            S.INCOMPLETE,
            S.ELIGIBLE,
            S.UNDER_REVIEW,
            S.OFFERED,
            S.ACCEPTED,
        )
    },
    **{
        (source, S.CANCELLED): FUND
        for source in (S.ELIGIBLE, S.UNDER_REVIEW, S.OFFERED, S.ACCEPTED)
    },
}

NEEDS_REASON = frozenset({S.INCOMPLETE, S.REJECTED, S.CANCELLED})
# Moves made only through their own service (they carry money or documents with them).
THROUGH_SERVICE = frozenset({S.OFFERED, S.TRAVEL_BOOKED, S.SETTLED, S.NO_SHOW})


# Moves that say whether the nominee came: only once the meeting has begun.
ATTENDANCE = frozenset({S.ATTENDED, S.NO_SHOW})


def attendance_open(application: Application, now: datetime) -> bool:
    return now >= application.meeting.starts_at


def kinds(actor: User, application: Application) -> frozenset[str]:
    found: set[str] = set()
    if acts_for(actor, state_id=application.state_id):
        found.add("focal_point")
    if has_permission(actor, Permission.REVIEW_SPONSORSHIP):
        found.add("fund_administrator")
    return frozenset(found)


def _check(actor: User | None, application: Application, source: S, target: S) -> None:
    now = clock.now()
    if target is S.SUBMITTED:
        rules.check_complete(application)
        rules.check_in_time(application.call, now)
        application.submitted_at = now
    if target is S.ACCEPTED and application.reply_by is not None and now > application.reply_by:
        raise DomainError(_("The offer expired: it was not answered in time."))
    if target in ATTENDANCE and not attendance_open(application, now):
        raise DomainError(
            _(
                "Attendance is recorded once the meeting has begun (%(day)s).",
                day=format_date(application.meeting.start_date),
            )
        )


def _notify(application: Application, source: S, target: S, reason: str) -> None:
    from meetings.sponsorship.notices import status_changed

    status_changed(application, target, reason)


WORKFLOW: Workflow[S, Application] = Workflow(
    name="sponsorship_application",
    table=TRANSITIONS,
    kinds=kinds,
    needs_reason=NEEDS_REASON,
    refusal=lambda current, target: _(
        "An application that is “%(current)s” cannot become “%(target)s”.",
        current=current,
        target=target,
    ),
    not_allowed=lambda: _("You may not make this change to this application."),
    reason_needed=lambda: _("Give a reason: it is sent to the focal point."),
    reason_attribute="status_reason",
    check_move=_check,
    notify=_notify,
)
