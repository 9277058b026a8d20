"""The JSON API with a token (routes on the API's blueprint): who the token acts for; a
delegation's registrations (a focal point lists, registers and approves; the secretariat reads
every registration and the check-ins); a donor's contributions and receipts (PDF too); the fund
administrators' applications and ledger. Each calls the service the pages call, as the token's
owner: the same permissions, rules, audit log."""

from __future__ import annotations

from flask import Response, g, render_template, url_for
from flask_babel import gettext as _
from spectree import Response as Answers

from meetings.api import schemas as s
from meetings.api.base import (
    Answer,
    acting,
    fetched,
    page_body,
    spec,
    token_required,
    window,
)
from meetings.api.models import Scope
from meetings.api.views import NOT_FOUND, V1, api_limit, bp
from meetings.auth.permissions import Permission, has_permission
from meetings.errors import NotFound
from meetings.extensions import csrf, db
from meetings.fund import lists as fund_lists
from meetings.fund import queries as fund_queries
from meetings.fund import receipts
from meetings.fund.donors import donor_of
from meetings.registration import services as registration
from meetings.registration.access import registration_for
from meetings.registration.models import Registration, RegistrationStatus
from meetings.registration.queries import (
    RegistrationFilter,
    delegation_members,
    registrations_after,
)
from meetings.registration.workflow import transition
from meetings.reporting import cycles, reports
from meetings.schedule.services import visible_meeting
from meetings.sponsorship.queries import applications_after

TOKEN: dict[str, list[str]] = {"token": []}  # the operation needs a personal access token
AUTHORISED = {**NOT_FOUND, "HTTP_403": s.Problem}


@bp.get(V1 + "/me")
@api_limit
@spec.validate(resp=Answers(HTTP_200=s.Me, **AUTHORISED), tags=["account"], security=TOKEN)
@token_required
def me() -> Answer:
    """Who the token acts for, and what the token may do."""
    user = acting(*Scope)
    token = g.api_token
    return s.Me(
        id=user.id,
        email=user.email,
        full_name=user.full_name,
        roles=sorted(role.value for role in user.roles),
        token=s.TokenInfo(
            name=token.name, scopes=sorted(token.scopes.split()), expires_at=token.expires_at
        ),
    ).model_dump(mode="json")


def _registration(row: Registration, delegation: str) -> s.Registration:
    return s.Registration(
        id=row.id,
        status=row.status.value,
        category=row.category.value,
        given_names=row.given_names,
        family_name=row.family_name,
        email=row.email,
        delegation=delegation,
    )


@bp.get(V1 + "/meetings/<code>/registrations")
@api_limit
@spec.validate(
    query=s.ListQuery,
    resp=Answers(HTTP_200=s.RegistrationPage, **AUTHORISED),
    tags=["registrations"],
    security=TOKEN,
)
@token_required
def registrations(code: str, query: s.ListQuery) -> Answer:
    """A focal point: its delegation's registrations. The secretariat: every registration."""
    user = acting(Scope.READ, Scope.REGISTRATIONS)
    meeting = visible_meeting(user, code)
    if has_permission(user, Permission.MANAGE_REGISTRATIONS):
        rows, cursor = fetched(
            lambda after, count: registrations_after(
                user, RegistrationFilter(meeting_id=meeting.id), after, count
            ),
            lambda r: r.id,
            query.cursor,
            query.limit,
        )
        return page_body([_registration(r, r.delegation.name) for r in rows], cursor)
    delegation = registration.focal_point_delegation(user, meeting)
    members = sorted(delegation_members(delegation), key=lambda r: r.id)
    page, cursor = window(members, lambda r: r.id, query.cursor, query.limit)
    return page_body([_registration(r, delegation.name) for r in page], cursor)


@bp.post(V1 + "/meetings/<code>/registrations")
@api_limit
@csrf.exempt  # a token is not sent by a browser on its own, and cookies are never read here
@spec.validate(
    json=s.NewRegistration,
    resp=Answers(HTTP_201=s.Registration, **AUTHORISED),
    tags=["registrations"],
    security=TOKEN,
)
@token_required
def register(code: str, json: s.NewRegistration) -> Answer:
    """A focal point registers a member of its delegation (approved at once, as on the page)."""
    user = acting(Scope.REGISTRATIONS)
    meeting = visible_meeting(user, code)
    delegation = registration.focal_point_delegation(user, meeting)
    data = registration.ParticipantData(
        role=json.role,
        courtesy_title=json.courtesy_title,
        given_names=json.given_names,
        family_name=json.family_name,
        functional_title=json.functional_title,
        gender=json.gender,
        email=json.email,
        phone=json.phone,
        based_in=json.based_in,
        consent_to_publish=json.consent_to_publish,
    )
    added = registration.add_member(user, delegation, data)
    db.session.commit()
    response = Response(
        s.Registration.model_validate(
            _registration(added, delegation.name).model_dump()
        ).model_dump_json(),
        status=201,
        mimetype="application/json",
    )
    response.headers["Location"] = url_for(".registrations", code=meeting.code, _external=True)
    return response


@bp.post(V1 + "/registrations/<int:registration_id>/approve")
@api_limit
@csrf.exempt
@spec.validate(
    resp=Answers(HTTP_200=s.Registration, **AUTHORISED), tags=["registrations"], security=TOKEN
)
@token_required
def approve(registration_id: int) -> Answer:
    """A focal point approves a registration of its delegation (the first stage)."""
    user = acting(Scope.REGISTRATIONS)
    found = registration_for(user, registration_id)
    transition(user, found, RegistrationStatus.APPROVED)
    db.session.commit()
    return _registration(found, found.delegation.name).model_dump(mode="json")


@bp.get(V1 + "/meetings/<code>/check-ins")
@api_limit
@spec.validate(
    query=s.ListQuery,
    resp=Answers(HTTP_200=s.CheckInPage, **AUTHORISED),
    tags=["registrations"],
    security=TOKEN,
)
@token_required
def check_ins(code: str, query: s.ListQuery) -> Answer:
    """The secretariat: accredited registrations and when each person checked in."""
    user = acting(Scope.READ)
    meeting = visible_meeting(user, code)
    accredited = RegistrationFilter(meeting_id=meeting.id, status=RegistrationStatus.ACCREDITED)
    rows, cursor = fetched(
        lambda after, count: registrations_after(user, accredited, after, count),
        lambda r: r.id,
        query.cursor,
        query.limit,
    )
    return page_body(
        [
            s.CheckIn(
                registration_id=r.id,
                name=f"{r.given_names} {r.family_name}".strip(),
                delegation=r.delegation.name,
                status=r.status.value,
                checked_in_at=r.checked_in_at,
            )
            for r in rows
        ],
        cursor,
    )


@bp.get(V1 + "/me/contributions")
@api_limit
@spec.validate(
    query=s.ListQuery,
    resp=Answers(HTTP_200=s.ContributionPage, **AUTHORISED),
    tags=["fund"],
    security=TOKEN,
)
@token_required
def contributions(query: s.ListQuery) -> Answer:
    """A donor's own contributions, each with its receipt once the money is received."""
    user = acting(Scope.FUND)
    donor = donor_of(user)
    if donor is None:
        raise NotFound(_("This account gives for no donor."))
    found = sorted(fund_queries.donor_records(donor).contributions, key=lambda c: c.id)
    page, cursor = window(found, lambda c: c.id, query.cursor, query.limit)
    return page_body(
        [
            s.Contribution(
                id=c.id,
                amount=s.Money.of(c.amount),
                status=c.status.value,
                method=c.method.value,
                value_date=c.value_date,
                receipt=url_for(".receipt", contribution_id=c.id, _external=True)
                if c.receipt_number
                else None,
            )
            for c in page
        ],
        cursor,
    )


@bp.get(V1 + "/me/contributions/<int:contribution_id>/receipt")
@api_limit
@spec.validate(resp=Answers(HTTP_200=s.Receipt, **AUTHORISED), tags=["fund"], security=TOKEN)
@token_required
def receipt(contribution_id: int) -> Answer:
    user = acting(Scope.FUND)
    found = receipts.receipt_for(user, contribution_id)
    return s.Receipt(
        contribution_id=found.id,
        receipt_number=found.receipt_label,
        donor=found.donor.name,
        amount=s.Money.of(found.amount),
        usd_amount_minor=found.usd_amount_minor,
        value_date=found.value_date,
        pdf=url_for(".receipt_pdf", contribution_id=found.id, _external=True),
    ).model_dump(mode="json")


@bp.get(V1 + "/me/contributions/<int:contribution_id>/receipt.pdf")
@api_limit
@spec.validate(resp=Answers(HTTP_200=None, **AUTHORISED), tags=["fund"], security=TOKEN)
@token_required
def receipt_pdf(contribution_id: int) -> Answer:
    """The receipt as the PDF the donor's page offers."""
    user = acting(Scope.FUND)
    found = receipts.receipt_for(user, contribution_id)
    html = render_template("fund/receipt.html", contribution=found, for_pdf=True)
    response = Response(receipts.pdf(html), mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="receipt-{found.receipt_label}.pdf"'
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get(V1 + "/fund/applications")
@api_limit
@spec.validate(
    query=s.ListQuery,
    resp=Answers(HTTP_200=s.ApplicationPage, **AUTHORISED),
    tags=["fund"],
    security=TOKEN,
)
@token_required
def applications(query: s.ListQuery) -> Answer:
    """Sponsorship applications with their score and award: for fund administrators."""
    user = acting(Scope.FUND)
    rows, cursor = fetched(
        lambda after, count: applications_after(user, after, count),
        lambda row: row.application.id,
        query.cursor,
        query.limit,
    )
    return page_body(
        [
            s.Application(
                id=row.application.id,
                meeting=row.application.meeting.code,
                state=row.application.state.display_name,
                status=row.status.value,
                score=row.score,
                award=s.Money.of(row.award.total) if row.award is not None else None,
            )
            for row in rows
        ],
        cursor,
    )


@bp.get(V1 + "/fund/ledger")
@api_limit
@spec.validate(
    query=s.ListQuery,
    resp=Answers(HTTP_200=s.LedgerPage, **AUTHORISED),
    tags=["fund"],
    security=TOKEN,
)
@token_required
def ledger(query: s.ListQuery) -> Answer:
    """The fund's ledger in the order entries were posted (append-only: a cursor never skips)."""
    user = acting(Scope.FUND)
    rows, cursor = fetched(
        lambda after, count: fund_lists.entries_after(user, after, count),
        lambda e: e.sequence,
        query.cursor,
        query.limit,
    )
    return page_body(
        [
            s.LedgerEntry(
                sequence=e.sequence,
                kind=e.kind.value,
                usd_amount_minor=e.usd_amount_minor,
                original=s.Money(amount_minor=e.original_amount_minor, currency=e.original_currency)
                if e.original_amount_minor is not None and e.original_currency
                else None,
                occurred_on=e.occurred_on,
                description=e.description,
            )
            for e in rows
        ],
        cursor,
    )


@bp.get(V1 + "/me/reports")
@api_limit
@spec.validate(
    query=s.ListQuery,
    resp=Answers(HTTP_200=s.OwnReportPage, **AUTHORISED),
    tags=["reports"],
    security=TOKEN,
)
@token_required
def my_reports(query: s.ListQuery) -> Answer:
    """A State's focal point: its national report for each reporting cycle (the draft being
    written, else the one submitted), with the sections still to answer."""
    user = acting(Scope.REPORTS, Scope.READ)
    state_id = reports.state_of(user)
    standing = sorted(reports.current_by_cycle(state_id).values(), key=lambda r: r.id)
    page, cursor = window(standing, lambda r: r.id, query.cursor, query.limit)
    codes = {c.id: c.meeting.code for c in cycles.cycles()}
    return page_body(
        [
            s.OwnReport(
                id=r.id,
                meeting=codes.get(r.cycle_id, ""),
                version=r.version,
                status=r.status.value,
                public=r.public,
                submitted_at=r.submitted_at,
                missing_sections=reports.missing(r),
                url=url_for("reporting_focal.report", report_id=r.id, _external=True),
            )
            for r in page
        ],
        cursor,
    )
