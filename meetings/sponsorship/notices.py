"""E-mail about an application: every move to the State's focal points, and to the nominee
where it concerns them (an offer, its acceptance, travel, the end)."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from meetings import mail
from meetings.auth.models import Role, RoleAssignment, User
from meetings.extensions import db
from meetings.labels import label
from meetings.registration.nominees import people
from meetings.sponsorship.models import Application
from meetings.sponsorship.models import ApplicationStatus as S
from meetings.urls import external_url

CONCERNS_NOMINEE = frozenset(
    {S.OFFERED, S.ACCEPTED, S.DECLINED, S.EXPIRED, S.TRAVEL_BOOKED, S.CANCELLED, S.WITHDRAWN}
)


def focal_point_addresses(application: Application) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(User.email)
            .join(RoleAssignment, RoleAssignment.user_id == User.id)
            .where(
                RoleAssignment.role == Role.FOCAL_POINT,
                RoleAssignment.state_id == application.state_id,
                User.active,
            )
        )
    )


def status_changed(application: Application, target: S, reason: str) -> None:
    recipients = focal_point_addresses(application)
    if target in CONCERNS_NOMINEE and application.registration_id is not None:
        nominee = people([application.registration_id]).get(application.registration_id)
        if nominee is not None:
            recipients.append(nominee.email)
    link = external_url("sponsorship_focal.application", application_id=application.id)
    for address in dict.fromkeys(recipients):
        mail.send(
            address,
            lambda: _(
                "%(meeting)s: sponsorship application of %(state)s — %(status)s",
                meeting=application.meeting.code,
                state=application.state.display_name,
                status=label(target),
            ),
            "mail/sponsorship_status.txt",
            application=application,
            target=target,
            reason=reason,
            link=link,
        )
