"""National reports at scale: the secretariat's cycle page and the public list with 190 reports
and five cycles (queries the same as with 10 and one; median time in-process), and a focal
point's full report — each required section saved, then submitted — through the services."""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa

from bench.results import markdown, write_section
from bench.support import bare_flask_ms, bench_app, counted, table, timed
from meetings import clock
from meetings.auth import services as accounts
from meetings.auth.models import Role, User
from meetings.extensions import db
from meetings.reference.models import State, UNStatus
from meetings.reporting import reports

PASSWORD = "benchmark password"
MOMENT = datetime(2018, 4, 2, 14, tzinfo=UTC)


def _focal(state: State) -> User:
    user = accounts.register_user(
        email=f"focal-{state.alpha2.lower()}@bench.example.org",
        password=PASSWORD,
        full_name=f"Focal point of {state.name}",
        verified=True,
    )
    accounts.grant_role(None, user, Role.FOCAL_POINT, accounts.RoleScope(state=state))
    return user


def _submit_full(actor: User, cycle: object) -> None:
    from tests.factories.reporting import fill

    report = reports.start(actor, cycle)  # type: ignore[arg-type]
    fill(actor, report)
    reports.submit(actor, report)
    db.session.commit()


def main() -> None:
    from tests.factories.reporting import make_cycle

    app = bench_app()
    with clock.standing_at(MOMENT), app.app_context():
        members = db.session.scalars(
            sa.select(State).where(State.un_status == UNStatus.MEMBER).order_by(State.name)
        ).all()
        cycle = make_cycle()
        focal_points = [_focal(state) for state in members[:190]]
        secretariat = accounts.register_user(
            email="desk@bench.example.org", password=PASSWORD, full_name="Desk", verified=True
        )
        accounts.grant_role(None, secretariat, Role.SECRETARIAT)
        db.session.commit()
        submit_ms = []
        for actor in focal_points[:10]:
            submit_ms.append(timed(lambda actor=actor: _submit_full(actor, cycle), 1))
        engine = db.engine
        cycle_id = cycle.id
    client = app.test_client()
    with clock.standing_at(MOMENT):
        page = client.get("/login").get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        client.post(
            "/login",
            data={"email": "desk@bench.example.org", "password": PASSWORD, "csrf_token": token},
        )
        urls = {"cycle page": f"/secretariat/reporting/{cycle_id}", "public list": "/reports"}
        small = {}
        for name, url in urls.items():
            assert client.get(url).status_code == 200, url
            with counted(engine) as statements:
                client.get(url)
            small[name] = len(statements)
        with app.app_context():
            for actor in focal_points[10:]:
                _submit_full(db.session.merge(actor), db.session.merge(cycle))
            for year in (2008, 2010, 2012, 2014):
                earlier = make_cycle(
                    start=date(year, 6, 16), opens=date(year, 3, 1), closes=date(year, 5, 2)
                )
                del earlier
            db.session.commit()
        baseline = bare_flask_ms()
        rows, queries = [], []
        for name, url in urls.items():
            with counted(engine) as statements:
                client.get(url)
            ms = timed(lambda url=url: client.get(url), 20)
            queries.append([name, small[name], len(statements)])
            rows.append([f"{name}, 190 reports, 5 cycles", f"{ms:.1f}", f"{ms / baseline:.0f}"])
        submit_ms.sort()
        rows.append(
            [
                "a full report: 9 sections saved, submitted",
                f"{submit_ms[len(submit_ms) // 2]:.1f}",
                "—",
            ]
        )
    header = ["national reports", "median ms", "× bare Flask"]
    table("National reports (in process)", header, rows)
    query_header = ["page", "queries, 10 reports / 1 cycle", "queries, 190 reports / 5 cycles"]
    table("National reports: queries", query_header, queries)
    write_section(
        "reporting",
        "## National reports (in process)\n\n"
        + markdown(header, rows)
        + "\n\n"
        + markdown(query_header, queries),
    )


if __name__ == "__main__":
    main()
