"""Two people at the same instant, with real threads, real connections and real commits."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from meetings.extensions import db
from meetings.reference.models import OrganisationKind
from meetings.registration import delegations
from meetings.registration.models import Registration, RegistrationStatus
from meetings.registration.workflow import transition
from tests.factories.auth import make_user
from tests.factories.registration import for_organisation, make_open_meeting, ngo, register
from tests.support.concurrency import race

pytestmark = pytest.mark.concurrency


def _load(registration_id: int) -> Registration:
    return db.session.scalars(
        sa.select(Registration)
        .options(joinedload(Registration.meeting), joinedload(Registration.delegation))
        .where(Registration.id == registration_id)
    ).one()


def test_two_submissions_for_the_last_place_of_a_cap_exactly_one_wins(committed, now) -> None:
    meeting = make_open_meeting()
    delegations.set_cap(None, meeting, OrganisationKind.NGO, 2)
    organisation = ngo()
    register(make_user(), meeting, affiliation=for_organisation(organisation))  # one place taken
    users = [make_user(), make_user()]
    drafts = [
        register(u, meeting, affiliation=for_organisation(organisation), submit=False)
        for u in users
    ]
    db.session.commit()
    ids = [(d.id, u.id) for d, u in zip(drafts, users, strict=True)]

    def submit(registration_id: int, user_id: int) -> Callable[[], None]:
        def action() -> None:
            from meetings.auth.models import User

            transition(
                db.session.get(User, user_id), _load(registration_id), RegistrationStatus.SUBMITTED
            )

        return action

    outcomes = race(committed, [submit(*pair) for pair in ids])
    assert sorted(outcomes, key=lambda o: o != "ok")[0] == "ok"
    assert outcomes.count("ok") == 1, outcomes
    assert "the most this meeting allows" in next(o for o in outcomes if o != "ok")
    active = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Registration)
        .where(
            Registration.meeting_id == meeting.id,
            Registration.status == RegistrationStatus.SUBMITTED,
        )
    )
    assert active == 2


def test_two_secretaries_accrediting_at_once_accredit_once(committed) -> None:
    from meetings.auth.models import Role, User

    meeting = make_open_meeting()
    registration = register(make_user(), meeting)
    transition(None, registration, RegistrationStatus.APPROVED)
    secretaries = [make_user(roles=[Role.SECRETARIAT]) for _ in range(2)]
    db.session.commit()
    registration_id = registration.id

    def accredit(user_id: int) -> Callable[[], None]:
        def action() -> None:
            transition(
                db.session.get(User, user_id), _load(registration_id), RegistrationStatus.ACCREDITED
            )

        return action

    outcomes = race(committed, [accredit(s.id) for s in secretaries])
    assert outcomes.count("ok") == 1, outcomes
    from meetings.audit.models import AuditEntry

    accreditations = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(AuditEntry)
        .where(
            AuditEntry.action == "registration.accredited",
            AuditEntry.target_id == str(registration_id),
        )
    )
    assert accreditations == 1
