from __future__ import annotations

import sqlalchemy as sa

from meetings import clock
from meetings.auth import services
from meetings.auth.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from meetings.auth.models import Role, User
from meetings.demo import seed_demo
from meetings.extensions import db


def _users() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User)) or 0


def test_demo_has_one_account_per_role_that_can_log_in() -> None:
    users = seed_demo()
    assert set(users) == set(Role)
    for spec in DEMO_ACCOUNTS:
        user = services.authenticate(spec.email, DEMO_PASSWORD)
        assert user.has_role(spec.role)
    focal_point = users[Role.FOCAL_POINT].focal_point_assignment
    assert focal_point is not None
    assert focal_point.state is not None
    assert focal_point.state.name == "Sierra Leone"


def test_demo_seed_is_idempotent() -> None:
    seed_demo()
    count = _users()
    seed_demo()
    assert _users() == count


def test_demo_command_prints_the_logins(app) -> None:
    result = app.test_cli_runner().invoke(args=["seed", "logins"])
    assert result.exit_code == 0
    assert "admin@example.org" in result.output
    assert DEMO_PASSWORD in result.output


def test_demo_delegations_have_one_head_each_the_named_one() -> None:
    from meetings.registration.models import Delegation, DelegationRole, Registration

    seed_demo()
    heads = db.session.execute(
        sa.select(Registration.delegation_id, sa.func.count())
        .where(Registration.role == DelegationRole.HEAD)
        .group_by(Registration.delegation_id)
    ).all()
    assert heads
    assert all(count == 1 for _delegation, count in heads)
    named = dict(
        db.session.execute(sa.select(Delegation.id, Delegation.head_registration_id)).all()
    )
    for delegation_id, _count in heads:
        head = db.session.scalar(
            sa.select(Registration.id).where(
                Registration.delegation_id == delegation_id,
                Registration.role == DelegationRole.HEAD,
            )
        )
        assert named[delegation_id] == head


def test_seeding_the_demo_says_where_its_mail_went_instead_of_printing_it(app) -> None:
    result = app.test_cli_runner().invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output
    assert "Dear" not in result.output
    assert result.output.count("\n") < 40


def test_demo_has_a_call_open_today_that_sierra_leone_can_apply_to() -> None:
    from meetings.sponsorship import calls
    from meetings.sponsorship.demo import OPEN_CALL_TITLE
    from meetings.sponsorship.models import Application, ApplicationStatus, SponsorshipCall

    seed_demo()
    call = db.session.scalar(
        sa.select(SponsorshipCall).where(SponsorshipCall.title == OPEN_CALL_TITLE)
    )
    assert call is not None
    assert calls.is_open(call, clock.now())
    states = dict(
        db.session.execute(
            sa.select(Application.state_id, Application.status).where(
                Application.call_id == call.id
            )
        ).all()
    )
    assert set(states.values()) <= {ApplicationStatus.SUBMITTED, ApplicationStatus.ELIGIBLE}
    assert len(states) == 2
    focal_point = db.session.scalar(sa.select(User).where(User.email == "focalpoint@example.org"))
    assert focal_point is not None
    assert focal_point.focal_point_assignment is not None
    assert focal_point.focal_point_assignment.state_id not in states


def test_demo_has_two_fund_administrators_for_four_eyes() -> None:
    seed_demo()
    admins = [s for s in DEMO_ACCOUNTS if s.role is Role.FUND_ADMINISTRATOR]
    assert len(admins) == 2
    for spec in admins:
        assert services.authenticate(spec.email, DEMO_PASSWORD).has_role(Role.FUND_ADMINISTRATOR)


def test_demo_reports_spread_over_the_groups_and_sierra_leone_has_a_draft_to_finish() -> None:
    from meetings.reporting import cycles, reports, statistics
    from meetings.reporting.demo import REVCON
    from meetings.reporting.models import ReportStatus
    from meetings.schedule.services import meeting_with_code

    seed_demo()
    revcon = meeting_with_code(REVCON)
    assert revcon is not None
    cycle = cycles.cycle_of_meeting(revcon.id)
    assert cycle is not None
    data = statistics.of_cycle(cycle)
    assert 30 <= data.overall.submitted <= 60
    assert data.drafted > 0
    assert all(rate.submitted > 0 for rate in data.by_region)
    assert len({round(rate.share, 2) for rate in data.by_region}) > 1  # the groups differ
    focal_point = db.session.scalar(sa.select(User).where(User.email == "focalpoint@example.org"))
    assert focal_point is not None
    open_cycles = [c for c in cycles.cycles() if cycles.is_open(c)]
    assert len(open_cycles) == 1
    draft = reports.current(open_cycles[0].id, reports.state_of(focal_point))
    assert draft is not None
    assert draft.status is ReportStatus.DRAFT
    assert draft.nothing_new
    assert draft.answers  # carried forward from the 2018 report
