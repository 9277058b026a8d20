"""The JSON API, version 1: what anyone may read (the programme with its version as ETag, the
list of participants, the lists of speakers, delivered statements, published national reports
and their submission rates, the public fund figures), and the OpenAPI document. Operations that
need a token are in token_views.py, on this blueprint."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, json, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from spectree import Response as Answers

from meetings.api import schemas as s
from meetings.api.base import (
    Answer,
    authenticate_request,
    document,
    page_body,
    reader,
    spec,
    window,
)
from meetings.extensions import limiter
from meetings.floor import presenting, speakers
from meetings.floor.lists import list_by_id, lists_of
from meetings.floor.statement_queries import StatementFilter, public_statements
from meetings.fund import queries as fund_queries
from meetings.reference.services import state_by_code
from meetings.registration.queries import list_of_participants
from meetings.reporting import statistics
from meetings.schedule import queries as schedule_queries
from meetings.schedule import rooms as schedule_rooms
from meetings.schedule.models import SittingStatus
from meetings.schedule.services import public_meetings, visible_meeting, visible_stamp
from meetings.schedule.versions import ScheduleStamp

V1 = "/api/v1"
bp = Blueprint("api", __name__)  # JSON under /api/v1; the account's token pages beside it
bp.before_request(authenticate_request)  # for /api/ paths only (it says so itself)

COMMON = {
    "HTTP_400": s.Problem,
    "HTTP_401": s.Problem,
    "HTTP_422": s.Problem,
    "HTTP_429": s.Problem,
}
NOT_FOUND = {**COMMON, "HTTP_404": s.Problem}


def _api_key() -> str:
    header = request.headers.get("Authorization", "")
    return "api-token:" + header[-16:] if header else "api-address:" + (request.remote_addr or "")


# Each operation carries the limit (this site checks limits in the routes' decorators only).
api_limit = limiter.limit(lambda: str(current_app.config["API_RATE_LIMIT"]), key_func=_api_key)


@bp.get(V1 + "/openapi.json")
@api_limit
def openapi() -> ResponseReturnValue:
    """The OpenAPI 3.1 document, generated from the operations and their schemas."""
    return document(current_app._get_current_object())  # type: ignore[attr-defined]


def _meeting(meeting: Any, version: str) -> s.Meeting:
    return s.Meeting(
        code=meeting.code,
        title=meeting.display_title,
        kind=meeting.kind.value,
        venue=meeting.venue,
        timezone=meeting.timezone,
        start_date=meeting.start_date,
        end_date=meeting.end_date,
        schedule_version=version,
        url=url_for("schedule.meeting", code=meeting.code, _external=True),
    )


@bp.get(V1 + "/meetings")
@api_limit
@spec.validate(
    query=s.ListQuery, resp=Answers(HTTP_200=s.MeetingPage, **COMMON), tags=["programme"]
)
def meetings(query: s.ListQuery) -> Answer:
    """The published meetings, by their start."""
    found = sorted(public_meetings(), key=lambda m: m.id)
    page, cursor = window(found, lambda m: m.id, query.cursor, query.limit)
    return page_body([_meeting(m, m.schedule_version) for m in page], cursor)


def _etag(stamp: ScheduleStamp) -> str:
    return f"{stamp.version}-{get_locale()}"


def _unchanged(stamp: ScheduleStamp) -> Response | None:
    """304 when the client holds this version of the programme (in its language)."""
    if request.if_none_match and request.if_none_match.contains(_etag(stamp)):
        response = Response(status=304)
        response.set_etag(_etag(stamp))
        return response
    return None


def _versioned(body: dict[str, Any], stamp: ScheduleStamp) -> Response:
    response = Response(json.dumps(body), mimetype="application/json")
    response.set_etag(_etag(stamp))
    response.headers["Vary"] = "Accept-Language, Authorization"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get(V1 + "/meetings/<code>")
@api_limit
@spec.validate(resp=Answers(HTTP_200=s.Meeting, HTTP_304=None, **NOT_FOUND), tags=["programme"])
def meeting(code: str) -> Answer:
    """One meeting; its ETag is the programme's version (send If-None-Match for a 304)."""
    stamp = visible_stamp(reader(), code)
    unchanged = _unchanged(stamp)
    if unchanged is not None:
        return unchanged
    found = visible_meeting(reader(), code)
    return _versioned(_meeting(found, stamp.version).model_dump(mode="json"), stamp)


@bp.get(V1 + "/meetings/<code>/sittings")
@api_limit
@spec.validate(
    query=s.SittingQuery,
    resp=Answers(HTTP_200=s.SittingPage, HTTP_304=None, **NOT_FOUND),
    tags=["programme"],
)
def sittings(code: str, query: s.SittingQuery) -> Answer:
    """The meeting's sittings in time order, cancelled ones included (status says so)."""
    stamp = visible_stamp(reader(), code)
    unchanged = _unchanged(stamp)
    if unchanged is not None:
        return unchanged
    found = visible_meeting(reader(), code)
    rows = [
        item
        for item in schedule_queries.sittings(found)
        if query.kind is None or item.kind is query.kind
    ]
    page, cursor = window(
        sorted(rows, key=lambda i: i.number), lambda i: i.number, query.cursor, query.limit
    )
    items = [
        s.Sitting(
            number=item.number,
            title=item.title,
            kind=item.kind.value,
            status="cancelled" if item.status is SittingStatus.CANCELLED else "scheduled",
            starts_at=item.starts_at,
            ends_at=item.ends_at,
            room=item.room.label if item.room is not None else None,
            agenda_items=[line.strip() for line in item.agenda_items.splitlines() if line.strip()],
            url=url_for("schedule.sitting", code=found.code, number=item.number, _external=True),
        )
        for item in page
    ]
    return _versioned(page_body(items, cursor), stamp)


@bp.get(V1 + "/rooms")
@api_limit
@spec.validate(query=s.ListQuery, resp=Answers(HTTP_200=s.RoomPage, **COMMON), tags=["programme"])
def rooms(query: s.ListQuery) -> Answer:
    found = sorted(schedule_rooms.rooms(), key=lambda r: r.id)
    page, cursor = window(found, lambda r: r.id, query.cursor, query.limit)
    return page_body(
        [s.Room(id=r.id, name=r.name, building=r.building, capacity=r.capacity) for r in page],
        cursor,
    )


@bp.get(V1 + "/meetings/<code>/participants")
@api_limit
@spec.validate(
    query=s.ListQuery, resp=Answers(HTTP_200=s.ParticipantPage, **NOT_FOUND), tags=["participants"]
)
def participants(code: str, query: s.ListQuery) -> Answer:
    """The published list of participants: accredited people who agreed to appear on it."""
    found = visible_meeting(reader(), code)
    flat = [
        (index, group.key, delegation, person)
        for index, (group, delegation, person) in enumerate(
            (group, name, person)
            for group in list_of_participants(found)
            for name, people in group.delegations
            for person in people
        )
    ]
    page, cursor = window(flat, lambda row: row[0], query.cursor, query.limit)
    return page_body(
        [
            s.Participant(
                name=person.display_name,
                functional_title=person.functional_title,
                delegation=delegation,
                group=key,
            )
            for _index, key, delegation, person in page
        ],
        cursor,
    )


def _speakers_list(found: Any) -> s.SpeakersList:
    return s.SpeakersList(
        id=found.id,
        title=found.title,
        open_for_inscription=speakers.is_open(found),
        time_limit_seconds=found.time_limit_seconds,
        sittings=[item.number for item in found.sittings],
    )


@bp.get(V1 + "/meetings/<code>/speakers")
@api_limit
@spec.validate(
    query=s.ListQuery, resp=Answers(HTTP_200=s.SpeakersListPage, **NOT_FOUND), tags=["floor"]
)
def speakers_lists(code: str, query: s.ListQuery) -> Answer:
    found = visible_meeting(reader(), code)
    page, cursor = window(lists_of(found.id), lambda item: item.id, query.cursor, query.limit)
    return page_body([_speakers_list(item) for item in page], cursor)


@bp.get(V1 + "/speakers/<int:list_id>")
@api_limit
@spec.validate(resp=Answers(HTTP_200=s.SpeakersListDetail, **NOT_FOUND), tags=["floor"])
def speakers_list(list_id: int) -> Answer:
    """A list of speakers in its order: who has spoken, who is waiting."""
    found = list_by_id(list_id, with_sittings=True)
    visible_meeting(reader(), found.meeting.code)
    return s.SpeakersListDetail(
        **_speakers_list(found).model_dump(),
        speakers=[
            s.Speaker(
                place=row["place"],
                speaker=row["speaker"],
                person=row["person"],
                kind=row["kind"],
                level=row["level"],
                status=row["status"],
            )
            for row in presenting.rows(found)
        ],
    ).model_dump(mode="json")


@bp.get(V1 + "/meetings/<code>/statements")
@api_limit
@spec.validate(
    query=s.StatementQuery, resp=Answers(HTTP_200=s.StatementPage, **NOT_FOUND), tags=["floor"]
)
def statements(code: str, query: s.StatementQuery) -> Answer:
    """Statements everyone may read: delivered, or sent in advance without an embargo."""
    found = visible_meeting(reader(), code)
    state = state_by_code(query.state.upper()) if query.state else None
    chosen = StatementFilter(
        state_id=state.id if state else (-1 if query.state else None),
        agenda_item=query.agenda_item or "",
        language=query.language,
    )
    rows = sorted(public_statements(found.id, chosen), key=lambda item: item.id)
    page, cursor = window(rows, lambda item: item.id, query.cursor, query.limit)
    return page_body(
        [
            s.Statement(
                id=item.id,
                delegation=item.delegation.name,
                sitting=item.sitting.number if item.sitting else None,
                agenda_item=item.agenda_item,
                language=item.language.value,
                delivered=item.status.value == "delivered",
                file_name=item.document.original_name,
                size=item.document.size,
                file_url=url_for("floor.statement_file", statement_id=item.id, _external=True),
            )
            for item in page
        ],
        cursor,
    )


@bp.get(V1 + "/reports")
@api_limit
@spec.validate(
    query=s.ListQuery, resp=Answers(HTTP_200=s.PublicReportPage, **COMMON), tags=["reports"]
)
def reports(query: s.ListQuery) -> Answer:
    """National reports their States published, every cycle."""
    rows = [
        (report_id, state, entry.cycle)
        for entry in statistics.overview()
        for state, report_id in entry.reported
        if report_id is not None
    ]
    page, cursor = window(
        sorted(rows, key=lambda r: r[0]), lambda r: r[0], query.cursor, query.limit
    )
    return page_body(
        [
            s.PublicReport(
                id=report_id,
                state=state.display_name,
                state_code=state.alpha2,
                meeting=cycle.meeting.code,
                url=url_for("reporting.report", report_id=report_id, _external=True),
            )
            for report_id, state, cycle in page
        ],
        cursor,
    )


@bp.get(V1 + "/reports/rates")
@api_limit
@spec.validate(resp=Answers(HTTP_200=list[s.SubmissionRate], **COMMON), tags=["reports"])
def report_rates() -> Answer:
    """How many Member States reported, for each reporting cycle."""
    return [
        s.SubmissionRate(
            meeting=entry.cycle.meeting.code,
            submitted=entry.rate.submitted,
            member_states=entry.rate.states,
        ).model_dump(mode="json")
        for entry in statistics.overview()
    ]


@bp.get(V1 + "/fund")
@api_limit
@spec.validate(resp=Answers(HTTP_200=s.FundFigures, **COMMON), tags=["fund"])
def fund() -> Answer:
    """What the fund received, from whom (anonymous donors in a total), and what is available."""
    figures = fund_queries.public_fund()
    return s.FundFigures(
        given=s.Money.of(figures.given),
        available=s.Money.of(figures.balances.available),
        paid_out=s.Money.of(figures.balances.disbursed),
        donors=[s.DonorGiven(donor=t.donor.name, given=s.Money.of(t.given)) for t in figures.named],
        anonymous=s.Money.of(figures.anonymous),
        anonymous_donors=figures.anonymous_count,
    ).model_dump(mode="json")


@bp.get("/developers/api")
def reference() -> ResponseReturnValue:
    """The OpenAPI document as a page: each operation, its parameters, answers and schemas
    (drawn on the server: no script, nothing from elsewhere)."""
    from flask import render_template

    described = document(current_app._get_current_object())  # type: ignore[attr-defined]
    operations = [
        (path, method.upper(), operation)
        for path, item in sorted(described.get("paths", {}).items())
        for method, operation in item.items()
        if method in ("get", "post", "put", "patch", "delete")
    ]
    return render_template(
        "api/reference.html",
        document=described,
        operations=operations,
        schemas=described.get("components", {}).get("schemas", {}),
    )
