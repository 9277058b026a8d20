"""The benchmark's data set, built through the services where a rule matters and by bulk inserts
that respect every constraint where only volume does: 195 States, 10 meetings, 2,000 sittings,
100,000 registrations, 1,000 sponsorship applications, 10,000 contributions.

Ten meetings: OPEN (registration open today, for the submit benchmark), FEED (1,000 sittings),
SMALL (10 sittings), six 2018 meetings with a sponsorship call each (the applications), and one
more; the remaining sittings are spread over them.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from meetings import clock
from meetings.auth import services as accounts
from meetings.auth.models import Role
from meetings.extensions import db
from meetings.fund import checkout
from meetings.fund.donors import DonorData, create_donor
from meetings.fund.models import Contribution, DonorKind
from meetings.money import Money
from meetings.reference.models import State, UNStatus
from meetings.registration.models import Registration
from meetings.registration.services import delegation_of, focal_point_delegation
from meetings.schedule import rooms as room_services
from meetings.schedule import services as schedule
from meetings.schedule.models import Meeting, MeetingState, Sitting, SittingKind

PASSWORD = "benchmark password"
SIZES = {
    "states": 195,
    "meetings": 10,
    "sittings": 2_000,
    "registrations": 100_000,
    "applications": 1_000,
    "contributions": 10_000,
}


@dataclass
class DataSet:
    open_code: str
    feed_code: str
    small_code: str
    delegation_id: int  # the OPEN meeting's delegation of Sierra Leone (focal point adds members)
    call_id: int  # a sponsorship call with its applications (the review list)
    pending_contributions: list[tuple[int, int]]  # (id, amount in cents), for webhook events
    counts: dict[str, int]


def progress(label: str, done: int, total: int) -> None:
    width = 30
    filled = width * done // max(total, 1)
    sys.stderr.write(f"\r  {label:<28} [{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,}")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


@contextmanager
def step(label: str, total: int) -> Iterator[None]:
    progress(label, 0, total)
    yield
    progress(label, total, total)


def _meeting(code: str, first: date, days: int, *, open_now: bool = False) -> Meeting:
    today = clock.now().date()
    meeting = schedule.create_meeting(
        None,
        schedule.MeetingData(
            process_id=schedule.get_or_create_process(None, code="POA", title="PoA").id,
            code=code,
            title=f"Benchmark meeting {code}",
            kind=schedule.MeetingKind.OTHER,
            venue="United Nations Headquarters, New York",
            timezone="America/New_York",
            start_date=first,
            end_date=first + timedelta(days=days - 1),
            format=schedule.MeetingFormat.IN_PERSON,
            registration_opens_on=today - timedelta(days=30) if open_now else None,
            registration_deadline=first - timedelta(days=7) if open_now else None,
        ),
    )
    schedule.set_published(None, meeting, True)
    if open_now:
        schedule.change_meeting_state(None, meeting, MeetingState.REGISTRATION_OPEN)
    return meeting


def _sittings(meeting: Meeting, count: int, rooms: list[int]) -> None:
    """``count`` sittings in venue working hours, never two in one room at once."""
    rows = []
    now = clock.now()
    per_day = 8 * len(rooms)  # eight one-hour slots in each room
    for n in range(count):
        day, slot = divmod(n, per_day)
        hour, room = divmod(slot, len(rooms))
        begins = datetime.combine(meeting.start_date, datetime.min.time(), UTC) + timedelta(
            days=day, hours=13 + hour
        )
        rows.append(
            {
                "meeting_id": meeting.id,
                "number": n + 1,
                "kind": list(SittingKind)[n % 4].value,
                "title": f"Sitting {n + 1}: consultations, drafting; and more",
                "agenda_items": "Item one\nItem two",
                "starts_at": begins,
                "ends_at": begins + timedelta(minutes=50),
                "room_id": rooms[room],
                "status": "scheduled",
                "revision": 0,
                "created_at": now,
                "updated_at": now,
            }
        )
    if rows:
        db.session.execute(sa.insert(Sitting), rows)


def _registrations(meetings: list[Meeting], total: int) -> None:
    states = list(db.session.scalars(sa.select(State).order_by(State.id)))
    statuses = ["submitted", "approved", "accredited", "draft", "rejected"]
    genders = ["female", "male", "other", "undisclosed"]
    per_meeting = total // len(meetings)
    done = 0
    for meeting in meetings:
        delegations = [delegation_of(meeting, state, None).id for state in states]
        rows = [
            {
                "meeting_id": meeting.id,
                "delegation_id": delegations[n % len(delegations)],
                "category": "member_state",
                "role": "adviser",
                "courtesy_title": "Ms.",
                "given_names": f"Given{n}",
                "family_name": f"Family{n:06d}",
                "functional_title": "Counsellor",
                "gender": genders[n % 4],
                "email": f"person{n}@{meeting.code.lower()}.example.org",
                "phone": "",
                "status": statuses[n % 5],
                "consent_to_publish": True,
                "added_on_behalf": True,
            }
            for n in range(per_meeting)
        ]
        for start in range(0, len(rows), 5000):
            db.session.execute(sa.insert(Registration), rows[start : start + 5000])
            done += len(rows[start : start + 5000])
            progress("registrations", done, total)


def _applications(meetings: list[Meeting], total: int) -> tuple[int, int]:
    from tests.factories.registration import DURING_REGISTRATION
    from tests.factories.sponsorship import applicant, apply, make_call

    members = list(
        db.session.scalars(
            sa.select(State.alpha2).where(State.un_status == UNStatus.MEMBER).order_by(State.id)
        )
    )
    made, first_call = 0, 0
    with clock.standing_at(DURING_REGISTRATION):
        for meeting in meetings:
            call = make_call(meeting)
            first_call = first_call or call.id
            for code in members:
                if made >= total:
                    return made, first_call
                apply(call, applicant(meeting, code), dsa_days=3)
                made += 1
                if made % 25 == 0:
                    progress("sponsorship applications", made, total)
            db.session.flush()
    return made, first_call


def build(*, small: bool = False) -> DataSet:
    """Fill the current app's (migrated, reference-loaded) database. ``small`` divides every
    volume by 100, for a quick run."""
    scale = 100 if small else 1
    sizes = {k: max(1, v // scale) for k, v in SIZES.items()}
    sizes["states"] = db.session.scalar(sa.select(sa.func.count()).select_from(State)) or 0
    today = clock.now().date()
    rooms = [
        room_services.create_room(None, room_services.RoomData(f"Room {n}", "HQ", 100)).id
        for n in range(8)
    ]
    with step("meetings and sittings", sizes["sittings"]):
        opening = _meeting("OPEN", today + timedelta(days=120), 5, open_now=True)
        feed = _meeting("FEED", date(2018, 1, 8), 16)
        small_meeting = _meeting("SMALL", date(2018, 2, 5), 2)
        from tests.factories.registration import make_open_meeting

        with clock.standing_at(datetime(2018, 3, 1, tzinfo=UTC)):
            sponsored = [make_open_meeting(code=f"SPONSOR-{n}") for n in range(6)]
        other = _meeting("OTHER", date(2018, 9, 3), 5)
        meetings = [opening, feed, small_meeting, *sponsored, other]
        feed_count = min(1_000, sizes["sittings"] // 2)
        _sittings(feed, feed_count, rooms)
        _sittings(small_meeting, 10, rooms)
        rest = sizes["sittings"] - feed_count - 10
        for meeting in [opening, *sponsored, other]:
            _sittings(meeting, rest // 8, rooms)
    db.session.flush()
    applications, call_id = _applications(sponsored, sizes["applications"])
    _registrations(meetings, sizes["registrations"])
    with step("contributions", sizes["contributions"]):
        from tests.factories.fund import bulk_contributions

        bulk_contributions(sizes["contributions"], donors=50)
    focal = accounts.register_user(
        email="focal@bench.example.org", password=PASSWORD, full_name="Bench focal point"
    )
    sierra_leone = db.session.scalars(sa.select(State).where(State.alpha2 == "SL")).one()
    accounts.grant_role(None, focal, Role.FOCAL_POINT, accounts.RoleScope(state=sierra_leone))
    delegation = focal_point_delegation(focal, opening)
    for email, role in (
        ("secretariat@bench.example.org", Role.SECRETARIAT),
        ("fund@bench.example.org", Role.FUND_ADMINISTRATOR),
    ):
        user = accounts.register_user(email=email, password=PASSWORD, full_name=role.value)
        accounts.grant_role(None, user, role)
    donor = create_donor(None, DonorData(kind=DonorKind.ORGANISATION, name="Card donor"))
    pending = []
    card_payments = 8_000 if not small else 2_000
    with step("card payments awaiting Stripe", card_payments):
        for n in range(card_payments):
            payment = checkout.pending_card_payment(
                None, donor, Money(10_000 + n, "USD"), f"{n:040d}"
            )
            pending.append(payment)
        db.session.flush()
    counts = {
        "States": sizes["states"],
        "meetings": db.session.scalar(sa.select(sa.func.count()).select_from(Meeting)) or 0,
        "sittings": db.session.scalar(sa.select(sa.func.count()).select_from(Sitting)) or 0,
        "registrations": db.session.scalar(sa.select(sa.func.count()).select_from(Registration))
        or 0,
        "sponsorship applications": applications,
        "contributions": db.session.scalar(sa.select(sa.func.count()).select_from(Contribution))
        or 0,
    }
    result = DataSet(
        open_code=opening.code,
        feed_code=feed.code,
        small_code=small_meeting.code,
        delegation_id=delegation.id,
        call_id=call_id,
        pending_contributions=[(c.id, c.amount.amount) for c in pending],
        counts=counts,
    )
    db.session.commit()
    return result
