"""What the nominee of an application may read of it: their award (amount, what it covers, the
date by which their State replies) on a page of their own. The nominee is the person of the
application's registration, found by their account or by the address the registration was made
with (confirmed when their account was opened); anyone else is told nothing exists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _

from meetings.auth.models import User
from meetings.errors import NotFound
from meetings.extensions import db
from meetings.money import Money
from meetings.registration.models import Registration
from meetings.registration.nominees import people
from meetings.sponsorship import offers
from meetings.sponsorship.models import Application, Award
from meetings.sponsorship.models import ApplicationStatus as S

# The moves after which the nominee has an award to read.
AWARDED = frozenset({S.OFFERED, S.ACCEPTED, S.TRAVEL_BOOKED, S.ATTENDED, S.SETTLED})


@dataclass(frozen=True)
class NomineeAward:
    application: Application
    nominee: Registration
    award: Award | None
    amount: Money | None
    reply_by: datetime | None

    @property
    def awarded(self) -> bool:
        return self.application.status in AWARDED and self.award is not None


def is_nominee(actor: User | None, registration: Registration | None) -> bool:
    if actor is None or registration is None:
        return False
    if registration.user_id is not None:
        return registration.user_id == actor.id
    return registration.email.casefold() == actor.email.casefold()


def award_for(actor: User | None, application_id: int) -> NomineeAward:
    application = db.session.get(Application, application_id)
    nominee = (
        people([application.registration_id]).get(application.registration_id)
        if application is not None and application.registration_id is not None
        else None
    )
    if application is None or nominee is None or not is_nominee(actor, nominee):
        raise NotFound(_("There is no such award."))
    award = offers.award_of(application)
    return NomineeAward(
        application=application,
        nominee=nominee,
        award=award,
        amount=offers.awarded(award) if award is not None else None,
        reply_by=application.reply_by if application.status is S.OFFERED else None,
    )
