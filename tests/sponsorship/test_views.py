"""Sponsorship pages: who sees what, the application form with bad input, query counts that do not
grow with the number of applications."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from meetings.auth.models import Role
from meetings.extensions import db
from meetings.money import Money
from meetings.reference.models import State, UNStatus
from meetings.sponsorship import reviews
from meetings.sponsorship.models import Application, Review
from meetings.sponsorship.models import ApplicationStatus as S
from tests.factories.auth import make_user
from tests.factories.fund import bank_transfer
from tests.factories.sponsorship import applicant, application_form, apply, make_call, under_review
from tests.support import form_errors


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Application)) or 0


@pytest.fixture
def case():
    call = make_call()
    meeting = call.meetings[0]
    sierra_leone = applicant(meeting, "SL")
    nepal = applicant(meeting, "NP")
    mine = apply(call, sierra_leone)
    theirs = apply(call, nepal)
    admin = make_user(roles=[Role.FUND_ADMINISTRATOR])
    reviews.review(
        admin, mine, 3, "Passport unclear", message_to_state="Ask for the passport again"
    )
    other_admin = make_user(roles=[Role.FUND_ADMINISTRATOR])
    reviews.review(other_admin, mine, 2, "Doubtful nominee")
    db.session.commit()
    return call, sierra_leone, nepal, mine, theirs


def test_a_focal_point_sees_only_its_states_applications_and_no_assessment(
    client, login, case
) -> None:
    call, sierra_leone, _nepal, mine, theirs = case
    login(sierra_leone.focal_point)
    html = client.get(f"/sponsorship/applications/{mine.id}").get_data(as_text=True)
    assert "Ask for the passport again" in html
    assert "Doubtful nominee" not in html
    assert "Passport unclear" not in html
    assert client.get(f"/sponsorship/applications/{theirs.id}").status_code == 404
    assert (
        client.get(f"/sponsorship/applications/{theirs.id}/documents/note_verbale").status_code
        == 404
    )
    index = client.get("/sponsorship").get_data(as_text=True)
    assert "Nepal" not in index
    assert client.get(f"/sponsorship/manage/calls/{call.id}").status_code == 403


@pytest.mark.parametrize("role", [Role.DELEGATE, Role.SECRETARIAT, Role.DONOR])
def test_delegates_secretariat_and_donors_never_see_applications(client, login, case, role) -> None:
    call, _sl, _np, mine, _theirs = case
    login(role)
    # The focal points' pages refuse anyone who is not one, whatever the id: nothing is told.
    assert client.get(f"/sponsorship/applications/{mine.id}").status_code == 403
    assert client.get("/sponsorship/applications/999999").status_code == 403
    assert client.get(f"/sponsorship/manage/calls/{call.id}").status_code == 403
    assert client.get(f"/sponsorship/manage/applications/{mine.id}").status_code == 403


def test_a_donor_reads_aggregate_reports_only(client, login, case) -> None:
    call, *_rest = case
    login(Role.DONOR)
    html = client.get(f"/sponsorship/reports/calls/{call.id}").get_data(as_text=True)
    assert "Applications by status" in html
    assert "Sierra Leone" not in html
    assert client.get(f"/sponsorship/manage/calls/{call.id}/applications.csv").status_code == 403


def test_a_delegate_reads_no_report(client, login, case) -> None:
    call, *_rest = case
    login(Role.DELEGATE)
    assert client.get(f"/sponsorship/reports/calls/{call.id}").status_code == 403


def test_an_administrator_reads_every_assessment_and_exports_formula_safe_csv(
    client, login, case
) -> None:
    call, _sl, _np, mine, _theirs = case
    login(Role.FUND_ADMINISTRATOR)
    html = client.get(f"/sponsorship/manage/applications/{mine.id}").get_data(as_text=True)
    assert "Doubtful nominee" in html
    csv = client.get(f"/sponsorship/manage/calls/{call.id}/applications.csv").get_data(as_text=True)
    assert csv.splitlines()[0].startswith("\ufeffApplication,Meeting,State,Regional group")
    assert "Sierra Leone" in csv
    header = csv.splitlines()[0]
    assert header.endswith("Submitted (venue time),Time zone")
    row = next(line for line in csv.splitlines() if "Sierra Leone" in line)
    assert row.endswith(",America/New_York")
    # Submitted during the test clock's day, written at the venue (New York), not in UTC.
    submitted = mine.submitted_at.astimezone(call.meetings[0].zone).strftime("%Y-%m-%d %H:%M")
    assert f",{submitted}," in row


_form = application_form


def test_a_focal_point_applies_through_the_form(client, login) -> None:
    call = make_call()
    who = applicant(call.meetings[0], "SL")
    db.session.commit()
    login(who.focal_point)
    response = client.submit(
        f"/sponsorship/calls/{call.id}/apply", _form(call.meetings[0].id, who.registration_id)
    )
    assert response.status_code == 302, form_errors(response)
    application = db.session.scalars(sa.select(Application)).one()
    assert application.status is S.SUBMITTED
    assert application.airfare == Money(180_000, "USD")


def test_a_review_has_no_default_score_and_its_assessment_stays_with_the_fund(
    client, login
) -> None:
    call = make_call()
    who = applicant(call.meetings[0], "SL")
    application = under_review(apply(call, who))
    admin = make_user(roles=[Role.FUND_ADMINISTRATOR])
    db.session.commit()
    login(admin)
    url = f"/sponsorship/manage/applications/{application.id}"
    page = client.get(url).get_data(as_text=True)
    score = re.search(r'<select[^>]*id="score".*?</select>', page, re.S)
    assert score is not None
    assert 'required><option value="">' in score.group(0)
    assert "selected" not in score.group(0)
    refused = client.submit(f"{url}/review", {"comment": "Thin file"})
    assert refused.status_code == 422
    assert "Error: Choose a score from 1 to 5." in form_errors(refused)
    assert "Thin file" in refused.get_data(as_text=True)  # what was typed is kept
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Review)) == 0
    saved = client.submit(f"{url}/review", {"score": "2", "comment": "Thin file"})
    assert saved.status_code == 302
    login(who.focal_point)
    focal_page = client.get(f"/sponsorship/applications/{application.id}").get_data(as_text=True)
    assert "Thin file" not in focal_page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"dsa_days": "30"}, "dsa_days", "Between 1 and"),
        ({"airfare": "1.005"}, "airfare", "at most 2 decimals"),
        ({"passport_copy": None}, "passport_copy", "copy of the passport"),
        ({"registration_id": "999999"}, "registration_id", "Choose a member"),
        ({"passport_copy": (io.BytesIO(b"MZ\x90\x00"), "virus.pdf")}, "passport_copy", "not a PDF"),
    ],
)
def test_bad_applications_are_refused_beside_the_field_and_nothing_is_written(
    client, login, changes, field, message
) -> None:
    call = make_call()
    who = applicant(call.meetings[0], "SL")
    db.session.commit()
    login(who.focal_point)
    form = _form(call.meetings[0].id, who.registration_id)
    form.update(changes)
    response = client.submit(
        f"/sponsorship/calls/{call.id}/apply", {k: v for k, v in form.items() if v is not None}
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    if field:
        assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert _count() == 0


def test_a_late_application_through_the_form_says_the_call_closed(client, login, now) -> None:
    call = make_call()
    who = applicant(call.meetings[0], "SL")
    db.session.commit()
    login(who.focal_point)
    now(datetime(2018, 5, 16, tzinfo=UTC))
    response = client.submit(
        f"/sponsorship/calls/{call.id}/apply", _form(call.meetings[0].id, who.registration_id)
    )
    assert response.status_code == 422
    assert "too late to apply" in response.get_data(as_text=True)


def test_the_review_list_ranking_and_suggestion_use_the_same_queries_for_20_and_200(
    client, login, queries
) -> None:
    bank_transfer(amount=Money(5_000_000, "USD"))
    call = make_call()
    meeting = call.meetings[0]
    states = db.session.scalars(
        sa.select(State).where(State.un_status == UNStatus.MEMBER).order_by(State.name)
    ).all()
    login(Role.FUND_ADMINISTRATOR)
    counts: dict[str, list[int]] = {"list": [], "ranking": [], "report": []}
    made = 0
    for total in (20, 200):
        for state in states[made:total]:
            under_review(apply(call, applicant(meeting, state.alpha2)))
        made = total
        db.session.commit()
        for name, url in (
            ("list", f"/sponsorship/manage/calls/{call.id}"),
            ("ranking", f"/sponsorship/manage/calls/{call.id}/ranking?extra=1000"),
            ("report", f"/sponsorship/manage/calls/{call.id}/report"),
        ):
            with queries() as counted:
                assert client.get(url).status_code == 200
            counts[name].append(counted.count)
    assert counts["list"][0] == counts["list"][1], counts
    assert counts["ranking"][0] == counts["ranking"][1], counts
    assert counts["report"][0] == counts["report"][1], counts


def test_the_review_list_is_paged_and_keeps_its_filter(client, login) -> None:
    call = make_call()
    meeting = call.meetings[0]
    states = db.session.scalars(
        sa.select(State).where(State.un_status == UNStatus.MEMBER).order_by(State.name)
    ).all()
    for state in states[:60]:
        under_review(apply(call, applicant(meeting, state.alpha2)))
    db.session.commit()
    login(Role.FUND_ADMINISTRATOR)
    first = client.get(f"/sponsorship/manage/calls/{call.id}?status=under_review")
    html = first.get_data(as_text=True)
    assert html.count('href="/sponsorship/manage/applications/') == 50
    assert "Page 1 of 2" in html
    assert "status=under_review" in html[html.index('rel="next"') - 200 :]
    second = client.get(f"/sponsorship/manage/calls/{call.id}?status=under_review&page=2")
    assert second.get_data(as_text=True).count('href="/sponsorship/manage/applications/') == 10


def test_the_public_fund_page_shows_whom_the_fund_brought(client) -> None:
    from meetings.sponsorship import applications
    from tests.factories.sponsorship import offered

    bank_transfer(amount=Money(5_000_000, "USD"))
    call = make_call()
    who = applicant(call.meetings[0], "SL")
    application = offered(apply(call, who))
    applications.move(who.focal_point, application, S.ACCEPTED)
    db.session.commit()
    html = client.get("/fund/public").get_data(as_text=True)
    assert "States the fund brought" in html
    assert "African States: 1" in html
