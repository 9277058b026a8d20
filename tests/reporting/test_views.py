"""The reporting pages: a focal point fills a section (a refused answer is said beside its field,
what was typed is kept), submits; the secretariat's cycle page, chart and CSV; the public list,
a published report and its PDF; the register and the directory."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from meetings.auth.models import Role
from meetings.extensions import db
from meetings.reporting import reports
from meetings.reporting.models import NationalReport, ReportStatus
from tests.factories.reporting import complete_answers, fill, focal_point, make_cycle


@pytest.fixture
def cycle():
    found = make_cycle()
    db.session.commit()
    return found


def _report_of(state_code: str) -> NationalReport:
    from meetings.reference.services import state_by_code

    return db.session.scalars(
        sa.select(NationalReport).where(NationalReport.state_id == state_by_code(state_code).id)
    ).one()


def test_a_focal_point_starts_fills_and_submits_a_report(client, login, cycle) -> None:
    actor = login(focal_point())
    assert "Start the report" in client.get("/reports/mine").get_data(as_text=True)
    started = client.submit(f"/reports/mine/cycles/{cycle.id}/start", {})
    assert started.status_code == 302
    report = _report_of("SL")
    page = client.get(started.headers["Location"]).get_data(as_text=True)
    assert "National report of Sierra Leone" in page
    section = f"/reports/mine/{report.id}/sections/records"
    refused = client.submit(section, {"records.years_kept": "many"})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "Enter a whole number, in digits." in html
    assert 'value="many"' in html  # what was typed is kept
    assert client.submit(section, {"records.years_kept": "25"}).status_code == 302
    for name, form in complete_answers().items():
        assert client.submit(f"/reports/mine/{report.id}/sections/{name}", form).status_code == 302
    overview = client.get(f"/reports/mine/{report.id}").get_data(as_text=True)
    assert "Submit the report" in overview
    done = client.submit(f"/reports/mine/{report.id}/submit", {})
    assert done.status_code == 302
    db.session.expire_all()
    assert _report_of("SL").status is ReportStatus.SUBMITTED
    assert actor.id == _report_of("SL").submitted_by_id


def test_the_secretariat_sees_the_rate_the_chart_and_the_csv(client, login, cycle) -> None:
    actor = focal_point()
    report = reports.start(actor, cycle)
    fill(actor, report)
    reports.submit(actor, report)
    db.session.commit()
    login(Role.SECRETARIAT)
    page = client.get(f"/secretariat/reporting/{cycle.id}").get_data(as_text=True)
    assert "1 of 193 Member States have submitted" in page
    assert "Least developed countries" in page
    chart = client.get(f"/secretariat/reporting/{cycle.id}/chart.svg")
    assert chart.mimetype == "image/svg+xml"
    assert b"<script" not in chart.data
    csv = client.get(f"/secretariat/reporting/{cycle.id}/states.csv").get_data(as_text=True)
    assert "Sierra Leone" in csv
    assert csv.count("\n") == 194  # a header and a line per Member State
    waiting = client.get(f"/secretariat/reporting/{cycle.id}?status=not_started").get_data(
        as_text=True
    )
    assert "Sierra Leone" not in waiting
    assert "Ghana" in waiting


def test_a_published_report_is_read_by_everyone_and_a_confidential_one_by_nobody_else(
    client, cycle
) -> None:
    actor = focal_point()
    report = reports.start(actor, cycle)
    fill(actor, report)
    reports.submit(actor, report)
    db.session.commit()
    assert client.get(f"/reports/{report.id}").status_code == 404
    listing = client.get("/reports").get_data(as_text=True)
    assert "Sierra Leone" in listing  # the States that reported are named either way
    correction = reports.start(actor, cycle)
    reports.set_choices(actor, correction, public=True, contacts_to_directory=True)
    reports.submit(actor, correction)
    db.session.commit()
    page = client.get(f"/reports/{correction.id}").get_data(as_text=True)
    assert "Has your State established a national coordination agency" in page
    assert "Ibrahim Kamara" in page
    french = client.get(f"/reports/{correction.id}", headers={"Accept-Language": "fr"}).get_data(
        as_text=True
    )
    assert "Votre État a-t-il créé un organisme" in french
    pdf = client.get(f"/reports/{correction.id}.pdf")
    assert pdf.data.startswith(b"%PDF-")
    directory = client.get("/contacts").get_data(as_text=True)
    assert "Ibrahim Kamara" in directory


def test_donors_find_needs_and_show_interest(client, login, cycle) -> None:
    actor = focal_point()
    report = reports.start(actor, cycle)
    fill(actor, report)
    reports.save_section(
        actor,
        report,
        "assistance",
        {
            "assistance.items.0.kind": "need",
            "assistance.items.0.area": "marking",
            "assistance.items.0.description": "Marking machines for the national armoury",
        },
    )
    reports.set_choices(actor, report, public=True, contacts_to_directory=False)
    reports.submit(actor, report)
    db.session.commit()
    login(Role.DONOR)
    page = client.get("/assistance?area=marking").get_data(as_text=True)
    assert "Marking machines for the national armoury" in page
    assert "Marking machines" not in client.get("/assistance?area=border").get_data(as_text=True)
    item = db.session.scalar(sa.text("SELECT id FROM assistance_item"))
    shown = client.submit(f"/assistance/{item}/interest", {"note": "We can help"})
    assert shown.status_code == 302
    assert db.session.scalar(sa.text("SELECT note FROM assistance_interest")) == "We can help"


def test_the_meeting_page_links_its_reports(client, login, cycle) -> None:
    actor = focal_point()
    report = reports.start(actor, cycle)
    fill(actor, report)
    reports.submit(actor, report)
    db.session.commit()
    code = cycle.meeting.code
    anonymous = client.get(f"/meetings/{code}").get_data(as_text=True)
    assert "National reports for this meeting" in anonymous
    login(Role.DELEGATE)
    assert "1 State reported for this meeting" in client.get(f"/meetings/{code}").get_data(
        as_text=True
    )
