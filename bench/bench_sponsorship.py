"""Sponsorship at scale: a call with 200 applications — the review list, the ranking and the
allocation suggestion, each with its query count and median time in-process (target: under
200 ms, the same queries for 20 and 200) — and fifty offers at once against money for ten,
repeated."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import sqlalchemy as sa

from bench.support import bare_flask_ms, bench_app, counted, table, timed
from meetings import clock
from meetings.auth import services as accounts
from meetings.auth.models import Role, User
from meetings.errors import DomainError
from meetings.extensions import db
from meetings.money import Money
from meetings.reference.models import State, UNStatus
from meetings.sponsorship import offers
from meetings.sponsorship.models import Application
from meetings.sponsorship.models import ApplicationStatus as S

PASSWORD = "benchmark password"
RACES = 5


def _case(size: int, covered: int | None = None) -> tuple[int, list[int], int]:
    from tests.factories.fund import bank_transfer
    from tests.factories.registration import make_open_meeting
    from tests.factories.sponsorship import applicant, apply, make_call, under_review

    call = make_call(make_open_meeting())
    meeting = call.meetings[0]
    states = db.session.scalars(
        sa.select(State).where(State.un_status == UNStatus.MEMBER).order_by(State.name).limit(size)
    ).all()
    ids = [under_review(apply(call, applicant(meeting, s.alpha2), dsa_days=3)).id for s in states]
    amount = 248_600 * covered if covered is not None else 50_000_000
    if covered is not None:  # set aside whatever earlier cases left, so that exactly ten fit
        from meetings.fund import commitments, ledger

        left = ledger.balances().available.amount
        reserve = left * 10_000 // 11_300
        while (
            reserve + ledger.support_cost(Money(reserve, "USD"), 1300, reserve=True).amount > left
        ):
            reserve -= 1
        if reserve > 0:
            commitments.commit(
                None,
                purpose=f"bench-reserve-{call.id}",
                amount=Money(reserve, "USD"),
                description="reserve",
            )
    admin = accounts.register_user(
        email=f"fund{call.id}@example.org", password=PASSWORD, full_name="Bench fund"
    )
    accounts.grant_role(None, admin, Role.FUND_ADMINISTRATOR)
    bank_transfer(amount=Money(amount, "USD"), actor=admin)
    db.session.commit()
    return call.id, ids, admin.id


def _race(app, ids: list[int], admin_id: int) -> int:  # type: ignore[no-untyped-def]
    barrier = threading.Barrier(len(ids))
    award = offers.AwardData(Money(100_000, "USD"), 3, Money(0, "USD"))

    def offer(application_id: int) -> None:
        with app.app_context():
            barrier.wait()
            try:
                offers.propose(
                    db.session.get(User, admin_id),
                    db.session.get(Application, application_id),
                    award,
                )
                db.session.commit()
            except DomainError:
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=offer, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with app.app_context():
        return (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(Application)
                .where(Application.id.in_(ids), Application.status == S.OFFERED)
            )
            or 0
        )


def main() -> None:
    app = bench_app()
    moment = datetime(2018, 5, 1, 12, 0, tzinfo=UTC)
    with clock.standing_at(moment):
        with app.app_context():
            small = _case(20)
            big = _case(200)
            engine = db.engine
        client = app.test_client()
        client.post(
            "/login",
            data={
                "email": f"fund{big[0]}@example.org",
                "password": PASSWORD,
                "csrf_token": _csrf(app, client),
            },
        )
        baseline = bare_flask_ms()
        rows, queries = [], []
        for name, path in (
            ("review list", "/sponsorship/manage/calls/{}"),
            ("ranking and suggestion", "/sponsorship/manage/calls/{}/ranking?extra=10000"),
            ("report", "/sponsorship/manage/calls/{}/report"),
        ):
            counts = []
            for call_id, *_ in (small, big):
                url = path.format(call_id)
                assert client.get(url).status_code == 200, url
                with counted(engine) as statements:
                    client.get(url)
                counts.append(len(statements))
            big_url = path.format(big[0])
            ms = timed(lambda big_url=big_url: client.get(big_url), 20)
            queries.append([name, *counts])
            rows.append(
                [
                    f"{name}, 200 applications",
                    f"{ms:.1f}",
                    f"{ms / baseline:.0f}",
                    "< 200 ms",
                    "ok" if ms < 200 else "MISSED",
                ]
            )
        outcomes = []
        for _ in range(RACES):
            with app.app_context():
                _call_id, ids, admin_id = _case(50, covered=10)
            outcomes.append(_race(app, ids, admin_id))
    rows.insert(0, ["bare Flask endpoint (baseline)", f"{baseline:.2f}", "1", "", ""])
    table("Sponsorship (median ms, in-process)", ["request", "ms", "× bare", "target", ""], rows)
    table(
        "Queries per request (target: the same for 20 and 200 applications)",
        ["page", "20", "200"],
        queries,
    )
    table(
        f"Fifty offers at once against money for ten, {RACES} times (target: exactly 10 each time)",
        ["run", "offers made"],
        [[n + 1, made] for n, made in enumerate(outcomes)],
    )


def _csrf(app, client) -> str:  # type: ignore[no-untyped-def]
    import secrets

    from itsdangerous import URLSafeTimedSerializer

    with client.session_transaction() as session:
        raw = session.setdefault("csrf_token", secrets.token_hex(20))
    return str(URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").dumps(raw))


if __name__ == "__main__":
    main()
