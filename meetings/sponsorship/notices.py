"""E-mail about an application: every move to the State's focal points, with a link to the
application; and to the nominee where it concerns them (an offer, its acceptance, travel, the
end), their own message addressed to them, with the award's figures and a link to their own page
(the focal points' pages are not theirs to open)."""

from __future__ import annotations

from flask_babel import gettext as _

from meetings import mail
from meetings.auth.services import focal_point_addresses as focal_points_of
from meetings.labels import label
from meetings.registration.nominees import people
from meetings.sponsorship import offers
from meetings.sponsorship.models import Application
from meetings.sponsorship.models import ApplicationStatus as S
from meetings.urls import external_url

CONCERNS_NOMINEE = frozenset(
    {S.OFFERED, S.ACCEPTED, S.DECLINED, S.EXPIRED, S.TRAVEL_BOOKED, S.CANCELLED, S.WITHDRAWN}
)


def focal_point_addresses(application: Application) -> list[str]:
    return focal_points_of(application.state_id)


def status_changed(application: Application, target: S, reason: str) -> None:
    award = offers.award_of(application)
    subject = lambda: _(  # noqa: E731 -- written in each recipient's language when sent
        "%(meeting)s: sponsorship application of %(state)s — %(status)s",
        meeting=application.meeting.display_title,
        state=application.state.display_name,
        status=label(target),
    )
    focal_points = focal_point_addresses(application)
    link = external_url("sponsorship_focal.application", application_id=application.id)
    for address in dict.fromkeys(focal_points):
        mail.send(
            address,
            subject,
            "mail/sponsorship_status.txt",
            application=application,
            award=award,
            target=target,
            reason=reason,
            link=link,
        )
    if target not in CONCERNS_NOMINEE or application.registration_id is None:
        return
    nominee = people([application.registration_id]).get(application.registration_id)
    if nominee is None or nominee.email in focal_points:
        return
    mail.send(
        nominee.email,
        lambda: _(
            "%(meeting)s: your sponsorship — %(status)s",
            meeting=application.meeting.display_title,
            status=label(target),
        ),
        "mail/sponsorship_nominee.txt",
        application=application,
        award=award,
        nominee=nominee,
        target=target,
        reason=reason,
        link=external_url("sponsorship.award", application_id=application.id),
    )
