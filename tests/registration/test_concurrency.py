"""Two people at the same instant, with real threads, real connections and real commits."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import joinedload

from meetings.errors import DomainError
from meetings.extensions import db
from meetings.reference.models import OrganisationKind
from meetings.registration import delegations
from meetings.registration.models import Registration, RegistrationStatus
from meetings.registration.workflow import transition
from tests.conftest import REFERENCE_TABLES
from tests.factories.auth import make_user
from tests.factories.registration import for_organisation, make_open_meeting, ngo, register

pytestmark = pytest.mark.concurrency


@pytest.fixture
def committed(app: Flask) -> Iterator[Flask]:
    """An application context whose work is committed, and removed again afterwards."""
    with app.app_context():
        yield app
        db.session.rollback()
        for table in reversed(db.metadatas[None].sorted_tables):
            if table.name not in REFERENCE_TABLES:
                if table.name == "delegation":
                    db.session.execute(table.update().values(head_registration_id=None))
                db.session.execute(table.delete())
        db.session.commit()
        db.session.remove()


def race(app: Flask, actions: list[Callable[[], None]]) -> list[str]:
    """Run the actions in threads released at the same instant; each commits or rolls back."""
    barrier = threading.Barrier(len(actions))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(action: Callable[[], None]) -> None:
        with app.app_context():
            barrier.wait()
            try:
                action()
                db.session.commit()
                result = "ok"
            except DomainError as error:
                db.session.rollback()
                result = error.message
            finally:
                db.session.remove()
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


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
