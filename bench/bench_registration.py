"""Registrations at scale: the secretariat's list and statistics pages, and the CSV export.

Targets (issue 4): with 20,000 registrations the list page and the statistics page answer in
under 100 ms in-process with a constant number of queries; the CSV export of all 20,000 streams
in under 2 s with flat memory.
"""

from __future__ import annotations

import tracemalloc
from datetime import date

import sqlalchemy as sa

from bench.support import bare_flask_ms, bench_app, bench_meeting, counted, table, timed
from meetings.auth import services as accounts
from meetings.auth.models import Role
from meetings.extensions import db
from meetings.reference.models import State
from meetings.registration.models import Registration
from meetings.registration.services import delegation_of

PASSWORD = "benchmark password"


def _meeting(code: str, count: int) -> int:
    meeting = bench_meeting(code, date(2018, 6, 18), date(2018, 6, 29))
    states = list(db.session.scalars(sa.select(State).order_by(State.id)))
    delegations = [delegation_of(meeting, state, None) for state in states]
    statuses = ["submitted", "approved", "accredited", "draft", "rejected"]
    genders = ["female", "male", "other", "undisclosed"]
    rows = [
        {
            "meeting_id": meeting.id,
            "delegation_id": delegations[n % len(delegations)].id,
            "category": "member_state",
            "role": "adviser",
            "courtesy_title": "Ms.",
            "given_names": f"Given{n}",
            "family_name": f"Family{n:06d}",
            "functional_title": "=Counsellor" if n % 97 == 0 else "Counsellor",
            "gender": genders[n % 4],
            "email": f"person{n}@{code.lower()}.example.org",
            "phone": "",
            "status": statuses[n % 5],
            "consent_to_publish": True,
            "added_on_behalf": True,
        }
        for n in range(count)
    ]
    for start in range(0, len(rows), 5000):
        db.session.execute(sa.insert(Registration), rows[start : start + 5000])
    return meeting.id


def main() -> None:
    app = bench_app()
    with app.app_context():
        sizes = {"SMALL": 100, "MID": 2_000, "BIG": 20_000}
        ids = {code: _meeting(code, size) for code, size in sizes.items()}
        user = accounts.register_user(
            email="sec@example.org", password=PASSWORD, full_name="Bench Secretariat"
        )
        accounts.grant_role(None, user, Role.SECRETARIAT)
        db.session.commit()
        engine = db.engine
    client = app.test_client()
    client.post(
        "/login",
        data={"email": "sec@example.org", "password": PASSWORD, "csrf_token": _csrf(app, client)},
    )
    baseline = bare_flask_ms()

    list_url = "/secretariat/registrations?meeting={id}&status=accredited&q=family"
    rows, queries = [], []
    for code, size in sizes.items():
        if code == "MID":
            continue
        urls = {
            "list": list_url.format(id=ids[code]),
            "statistics": f"/secretariat/meetings/{code}/statistics",
        }
        counts = []
        for url in urls.values():
            assert client.get(url).status_code == 200, url
            with counted(engine) as statements:
                client.get(url)
            counts.append(len(statements))
        queries.append([f"{size:,}", *counts])
        if code == "BIG":
            for name, url in urls.items():
                ms = timed(lambda url=url: client.get(url), 20)
                rows.append(
                    [
                        f"{name} page, {size:,} registrations",
                        f"{ms:.1f}",
                        f"{ms / baseline:.0f}",
                        "< 100 ms",
                        "ok" if ms < 100 else "MISSED",
                    ]
                )

    peaks = {}
    exported = ("MID", "BIG")  # both larger than one fetch batch (1,000 rows)
    for code in exported:
        url = f"/secretariat/meetings/{code}/registrations.csv"
        tracemalloc.start()
        response = client.get(url)
        length = sum(len(chunk) for chunk in response.response)  # consume the stream
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        peaks[code] = (peak, length)
    export_ms = timed(
        lambda: sum(
            len(c) for c in client.get("/secretariat/meetings/BIG/registrations.csv").response
        ),
        3,
    )
    rows.append(
        [
            "CSV export, 20,000 registrations",
            f"{export_ms:.0f}",
            f"{export_ms / baseline:.0f}",
            "< 2,000 ms",
            "ok" if export_ms < 2000 else "MISSED",
        ]
    )
    rows.insert(0, ["bare Flask endpoint (baseline)", f"{baseline:.2f}", "1", "", ""])
    table("Registrations (median ms)", ["request", "ms", "× bare", "target", ""], rows)
    table(
        "Queries per request (target: the same for 100 and 20,000 registrations)",
        ["registrations", "list page", "statistics page"],
        queries,
    )
    table(
        "CSV export memory (peak Python allocations while streaming; flat = does not grow)",
        ["registrations", "bytes exported", "peak KiB"],
        [[f"{sizes[c]:,}", f"{peaks[c][1]:,}", f"{peaks[c][0] / 1024:.0f}"] for c in exported],
    )


def _csrf(app, client) -> str:  # type: ignore[no-untyped-def]
    import secrets

    from itsdangerous import URLSafeTimedSerializer

    with client.session_transaction() as session:
        raw = session.setdefault("csrf_token", secrets.token_hex(20))
    return str(URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").dumps(raw))


if __name__ == "__main__":
    main()
