"""Sponsorship calls: which meetings, until when (18:00 venue time on the deadline day, like
registration), for whom, and on what terms. The call owns the sponsorship deadline."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import gettext as _

from meetings.audit.services import record
from meetings.auth.models import User
from meetings.auth.permissions import Permission, require
from meetings.errors import DomainError, NotFound
from meetings.extensions import db
from meetings.schedule.models import Meeting
from meetings.schedule.timezones import local_to_utc
from meetings.sponsorship.models import Eligibility, SponsorshipCall

CLOSING_TIME = time(18, 0)


@dataclass(frozen=True)
class CallData:
    title: str
    meeting_ids: list[int]
    opens_on: date
    deadline: date
    eligibility: Eligibility
    dsa_city: str
    capital_based_preferred: bool = True
    covered_costs: str = ""
    travel_days: int = 2
    reply_days: int = 14
    closing_time: time = field(default=CLOSING_TIME)


def _values(data: CallData) -> dict[str, object]:
    title = data.title.strip()
    if not title:
        raise DomainError(_("Enter the title of the call."), field="title")
    if len(title) > 300:
        raise DomainError(_("Use at most 300 characters."), field="title")
    meetings = list(
        db.session.scalars(
            sa.select(Meeting).where(Meeting.id.in_(data.meeting_ids)).order_by(Meeting.start_date)
        )
    )
    if not meetings or len(meetings) != len(set(data.meeting_ids)):
        raise DomainError(_("Choose the meetings of the call."), field="meeting_ids")
    if data.deadline < data.opens_on:
        raise DomainError(_("The deadline must come after the call opens."), field="deadline")
    first = meetings[0]
    if data.deadline >= first.start_date:
        raise DomainError(
            _("The deadline must be before %(meeting)s starts.", meeting=first.title),
            field="deadline",
        )
    if not data.dsa_city.strip():
        raise DomainError(_("Enter the city whose DSA rate applies."), field="dsa_city")
    if not 0 <= data.travel_days <= 10:
        raise DomainError(_("Between 0 and 10 travel days."), field="travel_days")
    if not 1 <= data.reply_days <= 90:
        raise DomainError(_("Between 1 and 90 days to answer an offer."), field="reply_days")
    return {
        "title": title,
        "meetings": meetings,
        "opens_on": data.opens_on,
        "deadline_at": local_to_utc(data.deadline, data.closing_time, first.zone, field="deadline"),
        "timezone": first.timezone,
        "eligibility": data.eligibility,
        "dsa_city": data.dsa_city.strip()[:120],
        "capital_based_preferred": data.capital_based_preferred,
        "covered_costs": data.covered_costs.strip(),
        "travel_days": data.travel_days,
        "reply_days": data.reply_days,
    }


def create_call(actor: User | None, data: CallData) -> SponsorshipCall:
    if actor is not None:
        require(actor, Permission.REVIEW_SPONSORSHIP)
    values = _values(data)
    call = SponsorshipCall(created_by_id=actor.id if actor else None, **values)
    db.session.add(call)
    db.session.flush()
    record(actor, "sponsorship_call.created", call, after={"title": call.title})
    return call


def update_call(actor: User, call: SponsorshipCall, data: CallData) -> None:
    require(actor, Permission.REVIEW_SPONSORSHIP)
    values = _values(data)
    for key, value in values.items():
        setattr(call, key, value)
    db.session.flush()
    record(actor, "sponsorship_call.updated", call, after={"title": call.title})


def call_data(call: SponsorshipCall) -> CallData:
    local = call.deadline_at.astimezone(call_zone(call))
    return CallData(
        title=call.title,
        meeting_ids=[m.id for m in call.meetings],
        opens_on=call.opens_on,
        deadline=local.date(),
        eligibility=call.eligibility,
        dsa_city=call.dsa_city,
        capital_based_preferred=call.capital_based_preferred,
        covered_costs=call.covered_costs,
        travel_days=call.travel_days,
        reply_days=call.reply_days,
    )


def get_call(call_id: int) -> SponsorshipCall:
    call = db.session.get(SponsorshipCall, call_id)
    if call is None:
        raise NotFound(_("There is no such call."))
    return call


def calls() -> list[SponsorshipCall]:
    return list(db.session.scalars(sa.select(SponsorshipCall).order_by(SponsorshipCall.id.desc())))


def is_open(call: SponsorshipCall, now: datetime) -> bool:
    return call.opens_on <= now.astimezone(call_zone(call)).date() and now < call.deadline_at


def call_zone(call: SponsorshipCall) -> ZoneInfo:
    return ZoneInfo(call.timezone)


def max_dsa_days(call: SponsorshipCall, meeting: Meeting) -> int:
    """The meeting's days plus the call's travel days."""
    return (meeting.end_date - meeting.start_date).days + 1 + call.travel_days
