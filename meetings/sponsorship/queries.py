"""Reading sponsorship: the review list of a call, the ranking's candidates, reports and the
public summary. Each issues a fixed number of queries, whatever the number of applications."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from meetings import clock
from meetings.auth.models import User
from meetings.auth.permissions import Permission, has_permission, require
from meetings.errors import PermissionDenied
from meetings.exports import csv_line, venue_time, yes_no
from meetings.extensions import db
from meetings.fund import earmarks, ledger
from meetings.labels import label
from meetings.money import Money
from meetings.pagination import Page, paginate
from meetings.reference.models import State
from meetings.registration.models import Registration
from meetings.registration.nominees import people
from meetings.schedule.models import Meeting
from meetings.sponsorship import ranking
from meetings.sponsorship.models import (
    SPONSORED_STATUSES,
    Application,
    Award,
    DsaRate,
    Review,
    SponsorshipCall,
)
from meetings.sponsorship.models import ApplicationStatus as S

UNDECIDED = (S.ELIGIBLE, S.UNDER_REVIEW)


def require_reviewer(actor: User) -> None:
    require(actor, Permission.REVIEW_SPONSORSHIP)


def effective_status(application: Application) -> S:
    """An offer not answered in time reads as expired at once (the expiry command records it)."""
    if (
        application.status is S.OFFERED
        and application.reply_by is not None
        and application.reply_by < clock.now()
    ):
        return S.EXPIRED
    return application.status


@dataclass(frozen=True)
class Row:
    application: Application
    status: S
    nominee: Registration | None
    score: float | None
    reviews: int
    award: Award | None


def _applications(*conditions: Any) -> list[Application]:
    return list(
        db.session.scalars(sa.select(Application).where(*conditions).order_by(Application.id))
    )


def rows(applications: list[Application]) -> list[Row]:
    """Applications with their nominee, average score and award (four queries in all)."""
    ids = [a.id for a in applications]
    nominees = people([a.registration_id for a in applications if a.registration_id])
    scores = (
        {
            application_id: (float(avg), count)
            for application_id, avg, count in db.session.execute(
                sa.select(Review.application_id, sa.func.avg(Review.score), sa.func.count())
                .where(Review.application_id.in_(ids))
                .group_by(Review.application_id)
            )
        }
        if ids
        else {}
    )
    awards = (
        {
            award.application_id: award
            for award in db.session.scalars(sa.select(Award).where(Award.application_id.in_(ids)))
        }
        if ids
        else {}
    )
    return [
        Row(
            application=a,
            status=effective_status(a),
            nominee=nominees.get(a.registration_id) if a.registration_id else None,
            score=scores.get(a.id, (None, 0))[0],
            reviews=scores.get(a.id, (None, 0))[1],
            award=awards.get(a.id),
        )
        for a in applications
    ]


REVIEW_PAGE = 50


def review_list(
    actor: User, call: SponsorshipCall, status: S | None = None, *, page: int = 1
) -> Page[Row]:
    """One page of a call's applications (a call open to every State, for several meetings,
    gathers hundreds: all on one page made it the slowest page of the fund's people)."""
    require_reviewer(actor)
    conditions = [Application.call_id == call.id, Application.status != S.DRAFT]
    if status is not None:
        conditions.append(Application.status == status)
    found = paginate(
        sa.select(Application).where(*conditions).order_by(Application.id),
        page=page,
        per_page=REVIEW_PAGE,
    )
    return dataclasses.replace(found, items=rows(found.items))


# --- ranking and suggestion ----------------------------------------------------------------------


def _dsa_rates(city: str) -> list[DsaRate]:
    return list(
        db.session.scalars(
            sa.select(DsaRate).where(DsaRate.city == city).order_by(DsaRate.valid_from.desc())
        )
    )


def _rate_on(rates: list[DsaRate], day: date) -> int:
    return next((r.daily_rate_minor for r in rates if r.valid_from <= day), 0)


def candidates(call: SponsorshipCall) -> tuple[list[ranking.Candidate], Counter[str], Counter[str]]:
    """The undecided applications of ``call`` as candidates of the ranking, and the regions and
    genders of the nominees it already sponsors (for balance)."""
    applications = _applications(
        Application.call_id == call.id,
        Application.status.in_([*UNDECIDED, S.OFFERED, *SPONSORED_STATUSES]),
    )
    nominees = people([a.registration_id for a in applications if a.registration_id])
    process_ids = {m.process_id for m in call.meetings}
    before = set(
        db.session.scalars(
            sa.select(Application.state_id)
            .join(Meeting, Meeting.id == Application.meeting_id)
            .where(
                Meeting.process_id.in_(process_ids),
                Application.call_id != call.id,
                Application.status.in_(SPONSORED_STATUSES),
            )
        )
    )
    rates = _dsa_rates(call.dsa_city)
    basis_points = ledger.support_cost_basis_points()
    found, regions, genders = [], Counter[str](), Counter[str]()
    for application in applications:
        nominee = nominees.get(application.registration_id or 0)
        region = (
            application.state.regional_group.display_name
            if application.state.regional_group
            else "—"
        )
        gender = nominee.gender.value if nominee and nominee.gender else "undisclosed"
        if application.status not in UNDECIDED:
            regions[region] += 1
            genders[gender] += 1
            continue
        award = (
            application.airfare_minor
            + application.terminal_minor
            + application.dsa_days * _rate_on(rates, application.meeting.start_date)
        )
        found.append(
            ranking.Candidate(
                application_id=application.id,
                state=application.state.display_name,
                least_developed=application.state.is_least_developed,
                sponsored_before=application.state_id in before,
                capital_based=application.capital_based,
                region=region,
                gender=gender,
                submitted_at=application.submitted_at or application.created_at,
                cost_minor=ledger.with_support_cost(Money(award, "USD"), basis_points).amount,
                draws_on=earmarks.for_meeting(application.meeting),
            )
        )
    return found, regions, genders


def ranked(actor: User, call: SponsorshipCall) -> list[ranking.Place]:
    require_reviewer(actor)
    found, regions, genders = candidates(call)
    return ranking.rank(found, regions_sponsored=regions, genders_sponsored=genders)


def suggestion(
    actor: User, call: SponsorshipCall, extra: Money | None = None
) -> ranking.Suggestion:
    places = ranked(actor, call)
    found = ledger.parts()
    available = sum((b.available for b in found.values()), Money.zero("USD"))
    return ranking.suggest(
        places,
        available.amount,
        extra.amount if extra else 0,
        parts={earmark: b.available.amount for earmark, b in found.items()},
        general=earmarks.GENERAL,
    )


# --- reports -------------------------------------------------------------------------------------


@dataclass
class Report:
    title: str
    by_status: Counter[S] = field(default_factory=Counter)
    committed: Money = field(default_factory=lambda: Money.zero("USD"))
    spent: Money = field(default_factory=lambda: Money.zero("USD"))
    released: Money = field(default_factory=lambda: Money.zero("USD"))
    by_region: Counter[str] = field(default_factory=Counter)
    by_gender: Counter[str] = field(default_factory=Counter)
    least_developed: int = 0
    sponsored: int = 0


def may_read_reports(actor: User | None) -> bool:
    return any(
        has_permission(actor, needed)
        for needed in (Permission.REVIEW_SPONSORSHIP, Permission.CONTRIBUTE)
    )


def require_report_reader(actor: User | None) -> None:
    if not may_read_reports(actor):
        raise PermissionDenied(_("Reports are for fund administrators and donors."))


def report(actor: User, *conditions: Any, title: str) -> Report:
    """Aggregates only: fund administrators and donors may read them."""
    require_report_reader(actor)
    applications = _applications(*conditions)
    result = Report(title=title)
    nominees = people([a.registration_id for a in applications if a.registration_id])
    awards = (
        {
            a.application_id: a
            for a in db.session.scalars(
                sa.select(Award).where(Award.application_id.in_([x.id for x in applications]))
            )
        }
        if applications
        else {}
    )
    balances = ledger.commitments_balances(
        [a.commitment_id for a in awards.values() if a.commitment_id is not None]
    )
    for application in applications:
        result.by_status[effective_status(application)] += 1
        award = awards.get(application.id)
        if award is not None and award.commitment_id in balances:
            sums = balances[award.commitment_id]
            result.committed += Money(sums.sums.get(ledger.K.AWARD_COMMITTED, 0), "USD")
            result.spent += sums.spent
            result.released += Money(sums.sums.get(ledger.K.COMMITMENT_RELEASED, 0), "USD")
        if application.status in SPONSORED_STATUSES:
            result.sponsored += 1
            region = (
                application.state.regional_group.display_name
                if application.state.regional_group
                else "—"
            )
            result.by_region[region] += 1
            nominee = nominees.get(application.registration_id or 0)
            result.by_gender[label(nominee.gender) if nominee and nominee.gender else "—"] += 1
            if application.state.is_least_developed:
                result.least_developed += 1
    return result


def _export_columns() -> list[str]:
    return [
        str(_("Application")),
        str(_("Meeting")),
        str(_("State")),
        str(_("Regional group")),
        str(_("Least developed country")),
        str(_("Status")),
        str(_("Nominee")),
        str(_("Gender")),
        str(_("Capital-based")),
        str(_("Airfare asked (USD)")),
        str(_("DSA days")),
        str(_("Terminal expenses asked (USD)")),
        str(_("Award (USD)")),
        str(_("Submitted (venue time)")),
        str(_("Time zone")),
    ]


def export(actor: User, call: SponsorshipCall) -> Iterator[str]:
    require_reviewer(actor)
    listed = rows(_applications(Application.call_id == call.id))
    yield csv_line(_export_columns())
    for row in listed:
        a = row.application
        yield csv_line(
            [
                a.id,
                a.meeting.code,
                a.state.name,
                a.state.regional_group.display_name if a.state.regional_group else "",
                yes_no(a.state.is_least_developed),
                label(row.status),
                row.nominee.full_name if row.nominee else "",
                label(row.nominee.gender) if row.nominee and row.nominee.gender else "",
                yes_no(a.capital_based),
                a.airfare.decimal(),
                a.dsa_days,
                a.terminal.decimal(),
                row.award.total.decimal() if row.award else "",
                # Each in its meeting's venue time, as every other file: a call may span
                # meetings in several places, so the zone is said on each row.
                venue_time(a.submitted_at, a.meeting.zone),
                a.meeting.timezone,
            ]
        )


@dataclass(frozen=True)
class MeetingSummary:
    meeting: Meeting
    states: int
    by_region: Counter[str]


def public_summary() -> list[MeetingSummary]:
    """How many States the fund sponsored at each meeting, by region (for everyone)."""
    rows_ = db.session.execute(
        sa.select(Application.meeting_id, Application.state_id)
        .where(Application.status.in_(SPONSORED_STATUSES))
        .distinct()
    ).all()
    if not rows_:
        return []
    meetings = {
        m.id: m
        for m in db.session.scalars(sa.select(Meeting).where(Meeting.id.in_({r[0] for r in rows_})))
    }
    states = {
        s.id: s
        for s in db.session.scalars(sa.select(State).where(State.id.in_({r[1] for r in rows_})))
    }
    summary: dict[int, MeetingSummary] = {}
    for meeting_id, state_id in rows_:
        entry = summary.setdefault(meeting_id, MeetingSummary(meetings[meeting_id], 0, Counter()))
        state = states[state_id]
        region = state.regional_group.display_name if state.regional_group else "—"
        entry.by_region[region] += 1
        summary[meeting_id] = MeetingSummary(entry.meeting, entry.states + 1, entry.by_region)
    return sorted(summary.values(), key=lambda s: s.meeting.start_date, reverse=True)


def application_names(ids: list[int]) -> dict[int, str]:
    """Application id → "State — meeting", in the reader's language (the ledger's page names the
    awards its entries concern with it)."""
    found = db.session.scalars(
        sa.select(Application)
        .options(joinedload(Application.state), joinedload(Application.meeting))
        .where(Application.id.in_(ids))
    )
    return {a.id: f"{a.state.display_name} — {a.meeting.display_title}" for a in found}


def applications_after(actor: User, after_id: int | None, limit: int) -> list[Row]:
    """Every application in the order it was made, after ``after_id`` (the API's cursor), with
    its nominee, score and award: for the fund administrators."""
    require_reviewer(actor)
    conditions = [Application.id > after_id] if after_id is not None else []
    found = list(
        db.session.scalars(
            sa.select(Application).where(*conditions).order_by(Application.id).limit(limit)
        )
    )
    return rows(found)
