"""National reports: the template as data, cycle windows, drafts section by section, what is
missing, submission and its lock, corrections as versions, carrying a report forward, and who
may read what."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from meetings.auth.models import Role
from meetings.errors import DomainError, NotFound, PermissionDenied
from meetings.extensions import db
from meetings.reporting import cycles, reports, template_files
from meetings.reporting.answers import AnswerErrors
from meetings.reporting.models import Instruments, ReportStatus
from meetings.reporting.reports import TRANSITIONS, WORKFLOW
from tests.factories.auth import make_user
from tests.factories.reporting import contact_form, fill, focal_point, make_cycle


def test_the_template_loads_once_and_a_loaded_version_never_changes(monkeypatch, tmp_path) -> None:
    first = template_files.load_templates()
    assert template_files.load_templates() == first  # idempotent
    definition = dict(first[0].definition)
    definition["title"] = dict(definition["title"], en="Changed behind our back")
    changed = tmp_path / "template-poa-iti-v1.json"
    changed.write_text(json.dumps(definition))
    monkeypatch.setattr(template_files, "DATA", tmp_path)
    with pytest.raises(template_files.TemplateError, match="never changes"):
        template_files.load_templates()
    definition["version"] = 2
    (tmp_path / "template-poa-iti-v2.json").write_text(json.dumps(definition))
    changed.unlink()
    assert [t.version for t in template_files.load_templates()] == [2]
    assert template_files.latest().version == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["title"].pop("ar"), "a text in each"),
        (
            lambda d: d["sections"][0]["questions"].append(dict(d["sections"][0]["questions"][0])),
            "repeated",
        ),
        (lambda d: d["sections"][0]["questions"][0].update(kind="slider"), "unknown kind"),
        (lambda d: d["sections"][0].update(instrument="att"), "instrument poa, iti or both"),
    ],
)
def test_a_malformed_template_is_refused(change, message) -> None:
    with open(template_files.files()[0]) as stream:
        definition = json.load(stream)
    change(definition)
    with pytest.raises(template_files.TemplateError, match=message):
        template_files.check(definition)


def test_a_cycle_closes_after_it_opens_before_its_meeting_and_is_the_meeting_s_only_one() -> None:
    cycle = make_cycle()
    data = cycles.CycleData(
        meeting_id=cycle.meeting_id,
        template_id=cycle.template_id,
        instruments=Instruments.POA,
        opens_on=date(2018, 3, 1),
        closes_on=date(2018, 5, 4),
    )
    with pytest.raises(DomainError, match="already has a reporting cycle"):
        cycles.create_cycle(None, data)
    for closes, field in ((date(2018, 2, 1), "closes_on"), (date(2018, 6, 18), "closes_on")):
        with pytest.raises(DomainError) as caught:
            cycles.update_cycle(
                make_user(roles=[Role.SECRETARIAT]),
                cycle,
                cycles.CycleData(**{**data.__dict__, "closes_on": closes}),
            )
        assert caught.value.field == field
    with pytest.raises(PermissionDenied):
        cycles.update_cycle(focal_point(), cycle, data)
    # The close is 18:00 in New York on the closing day.
    assert cycles.closes_at(cycle) == datetime(2018, 5, 4, 22, tzinfo=UTC)


def test_a_report_is_started_only_while_its_cycle_is_open(now) -> None:
    cycle, actor = make_cycle(), focal_point()
    now(datetime(2018, 2, 28, 12, tzinfo=UTC))
    with pytest.raises(DomainError, match="opens on"):
        reports.start(actor, cycle)
    now(datetime(2018, 5, 4, 22, tzinfo=UTC))  # 18:00 in New York: closed
    with pytest.raises(DomainError, match="closed"):
        reports.start(actor, cycle)
    now(datetime(2018, 5, 4, 21, 59, tzinfo=UTC))
    report = reports.start(actor, cycle)
    assert reports.start(actor, cycle) is report  # the draft being written
    with pytest.raises(PermissionDenied):
        reports.start(make_user(roles=[Role.DELEGATE]), cycle)


def test_a_section_is_kept_whole_or_not_at_all_beside_each_refused_field() -> None:
    cycle, actor = make_cycle(), focal_point()
    report = reports.start(actor, cycle)
    reports.save_section(actor, report, "records", {"records.years_kept": "20"})
    with pytest.raises(AnswerErrors) as caught:
        reports.save_section(
            actor,
            report,
            "destruction",
            {
                "destruction.destroyed.0.type": "Rifles",
                "destruction.destroyed.0.year": "1850",
                "destruction.destroyed.0.quantity": "twelve",
            },
        )
    assert set(caught.value.problems) == {
        "destruction.destroyed.0.year",
        "destruction.destroyed.0.quantity",
    }
    assert "destruction.destroyed" not in report.answers
    with pytest.raises(AnswerErrors) as caught:
        reports.save_section(
            actor,
            report,
            "contacts",
            contact_form("contacts.poa_point", name="", email="not an address"),
        )
    assert set(caught.value.problems) == {"contacts.poa_point.name", "contacts.poa_point.email"}
    with pytest.raises(AnswerErrors):
        reports.save_section(actor, report, "coordination", {"coordination.action_plan": "maybe"})
    reports.save_section(
        actor,
        report,
        "assistance",
        {
            "assistance.items.0.kind": "need",
            "assistance.items.0.area": "stockpile",
            "assistance.items.0.description": "Secure storage for two armouries",
            "assistance.items.0.cost": "120,000.50",
        },
    )
    assert report.answers["records.years_kept"] == 20
    assert report.answers["assistance.items"] == [
        {
            "kind": "need",
            "area": "stockpile",
            "description": "Secure storage for two armouries",
            "cost": 12_000_050,
        }
    ]
    with pytest.raises(NotFound):
        reports.save_section(actor, report, "no-such-section", {})


def test_what_is_missing_is_said_and_a_complete_report_submits_and_locks() -> None:
    cycle, actor = make_cycle(), focal_point()
    report = reports.start(actor, cycle)
    assert "coordination.agency" in reports.missing(report)
    assert "contacts.iti_point" in reports.missing(report)
    with pytest.raises(DomainError, match="missing"):
        reports.submit(actor, report)
    fill(actor, report)
    assert reports.missing(report) == []
    reports.submit(actor, report)
    assert report.status is ReportStatus.SUBMITTED
    assert report.submitted_by_id == actor.id
    with pytest.raises(DomainError, match="locked"):
        reports.save_section(actor, report, "records", {"records.years_kept": "5"})


def test_a_cycle_for_one_instrument_asks_only_its_questions() -> None:
    cycle, actor = make_cycle(instruments=Instruments.POA), focal_point()
    report = reports.start(actor, cycle)
    assert "contacts.iti_point" not in reports.missing(report)
    assert not any(q.startswith("iti_") for q in cycles.form_of(cycle).questions)


def test_a_correction_is_a_new_version_and_supersedes_the_one_it_corrects() -> None:
    cycle, actor = make_cycle(), focal_point()
    first = reports.start(actor, cycle)
    fill(actor, first)
    reports.submit(actor, first)
    correction = reports.start(actor, cycle)
    assert correction.version == 2
    assert correction.answers == first.answers
    reports.save_section(actor, correction, "records", {"records.years_kept": "30"})
    assert first.status is ReportStatus.SUBMITTED  # standing until the correction is in
    reports.submit(actor, correction)
    assert (first.status, correction.status) == (ReportStatus.SUPERSEDED, ReportStatus.SUBMITTED)
    assert [r.version for r in reports.versions(cycle.id, first.state_id)] == [2, 1]
    assert first.answers.get("records.years_kept") is None  # the earlier version is as it was


def test_nothing_new_to_report_starts_from_the_previous_report(now) -> None:
    earlier_cycle, actor = (
        make_cycle(start=date(2016, 6, 6), opens=date(2016, 3, 1), closes=date(2016, 5, 2)),
        focal_point(),
    )
    now(datetime(2016, 4, 1, 12, tzinfo=UTC))
    earlier = reports.start(actor, earlier_cycle)
    fill(actor, earlier)
    reports.submit(actor, earlier)
    now(datetime(2018, 4, 2, 12, tzinfo=UTC))
    cycle = make_cycle()
    other = focal_point("GH")
    with pytest.raises(DomainError, match="no earlier report"):
        reports.start(other, cycle, nothing_new=True)
    carried = reports.start(actor, cycle, nothing_new=True)
    assert carried.nothing_new
    assert carried.answers == earlier.answers
    assert carried.status is ReportStatus.DRAFT  # the State still reviews and submits it


def test_who_may_read_a_report() -> None:
    cycle, actor = make_cycle(), focal_point()
    report = reports.start(actor, cycle)
    secretariat = make_user(roles=[Role.SECRETARIAT])
    stranger, other_state = make_user(roles=[Role.DONOR]), focal_point("GH")
    assert reports.visible(actor, report)
    assert not reports.visible(secretariat, report)  # a draft is the State's own
    with pytest.raises(NotFound):
        reports.own_report(other_state, report.id)
    fill(actor, report)
    reports.submit(actor, report)
    assert reports.visible(secretariat, report)
    assert not reports.visible(stranger, report)
    assert not reports.visible(None, report)
    correction = reports.start(actor, cycle)
    reports.set_choices(actor, correction, public=True, contacts_to_directory=True)
    reports.submit(actor, correction)
    assert reports.visible(None, correction)
    assert reports.visible(other_state, correction)


@pytest.mark.parametrize("move", sorted(TRANSITIONS, key=lambda m: (m[0].value, m[1].value)))
def test_the_workflow_table_allows_each_move_it_lists_and_no_other(move) -> None:
    source, target = move
    assert target in WORKFLOW.next_states(source)
    for other in ReportStatus:
        if (source, other) not in TRANSITIONS:
            assert other not in WORKFLOW.next_states(source)
    assert WORKFLOW.next_states(ReportStatus.SUPERSEDED) == frozenset()


def test_a_focal_point_submits_for_its_own_state_only() -> None:
    cycle, actor = make_cycle(), focal_point()
    report = reports.start(actor, cycle)
    fill(actor, report)
    with pytest.raises(NotFound):
        reports.submit(focal_point("GH"), report)
    assert report.status is ReportStatus.DRAFT


def test_documents_are_attached_to_a_draft_and_follow_a_correction() -> None:
    import io

    from meetings.documents.storage import read_upload
    from tests.factories.registration import PDF

    cycle, actor = make_cycle(), focal_point()
    report = reports.start(actor, cycle)
    plan = reports.attach(actor, report, read_upload(io.BytesIO(PDF), "plan.pdf", field="file"))
    with pytest.raises(DomainError, match="not a PDF"):
        reports.attach(actor, report, read_upload(io.BytesIO(b"MZ\x90"), "x.pdf", field="file"))
    fill(actor, report)
    reports.submit(actor, report)
    with pytest.raises(DomainError, match="locked"):
        reports.detach(actor, report, plan.id)
    correction = reports.start(actor, cycle)
    assert [d.original_name for _a, d in reports.attachments(correction)] == ["plan.pdf"]
    with pytest.raises(NotFound):
        reports.detach(actor, correction, plan.id)  # the earlier version's own record
    reports.detach(actor, correction, reports.attachments(correction)[0][0].id)
    assert reports.attachments(correction) == []
    assert len(reports.attachments(report)) == 1  # the submitted version keeps it


def test_the_state_s_focal_points_are_told_the_report_is_in(outbox) -> None:
    cycle, actor = make_cycle(), focal_point()
    report = reports.start(actor, cycle)
    fill(actor, report)
    reports.submit(actor, report)
    db.session.commit()
    sent = [m for m in outbox if m["To"] == actor.email]
    assert len(sent) == 1
    assert "is submitted" in sent[0]["Subject"]
    assert "version 1" in sent[0].get_content()
