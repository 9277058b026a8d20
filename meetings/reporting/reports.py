"""A State's national report for a cycle: drafted section by section by its focal point,
submitted (then locked), corrected by a new version (the earlier one kept, superseded).

    draft → submitted → superseded (when a correction is submitted)

A State with nothing new since its previous report starts from that report's answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from meetings import clock
from meetings.audit.services import record
from meetings.auth.models import User
from meetings.auth.permissions import Permission, acts_for, has_permission, require
from meetings.documents.services import Document, Upload, new_document
from meetings.errors import DomainError, NotFound, PermissionDenied
from meetings.extensions import db
from meetings.reporting import answers as answer_rules
from meetings.reporting.cycles import closes_at, form_of, is_open, opens_at
from meetings.reporting.models import NationalReport, ReportAttachment, ReportingCycle
from meetings.reporting.models import ReportStatus as S
from meetings.schedule.models import Meeting
from meetings.workflow import Workflow

FOCAL = frozenset({"focal_point"})
SYSTEM = frozenset({"system"})

TRANSITIONS: dict[tuple[S, S], frozenset[str]] = {
    (S.DRAFT, S.SUBMITTED): FOCAL,
    (S.SUBMITTED, S.SUPERSEDED): SYSTEM,  # when its correction is submitted
}


def _kinds(actor: User, report: NationalReport) -> frozenset[str]:
    return FOCAL if acts_for(actor, state_id=report.state_id) else frozenset()


def _check_move(actor: User | None, report: NationalReport, source: S, target: S) -> None:
    if target is S.SUBMITTED:
        cycle = db.session.get(ReportingCycle, report.cycle_id)
        assert cycle is not None
        if not is_open(cycle):
            raise DomainError(
                _("This reporting cycle is closed: reports can no longer be submitted.")
            )
        missing = answer_rules.missing(form_of(cycle), report.answers)
        if missing:
            raise DomainError(
                _("Some answers are still missing: %(n)d question(s).", n=len(missing))
            )


WORKFLOW: Workflow[S, NationalReport] = Workflow(
    name="national_report", table=TRANSITIONS, kinds=_kinds, check_move=_check_move
)


def state_of(actor: User) -> int:
    """The State ``actor`` is the focal point of; PermissionDenied for anyone else."""
    require(actor, Permission.MANAGE_DELEGATION)
    assignment = actor.focal_point_assignment
    if assignment is None or assignment.state_id is None:
        raise PermissionDenied(_("Only the focal point of a State reports for it."))
    return assignment.state_id


def versions(cycle_id: int, state_id: int) -> list[NationalReport]:
    """Every version of a State's report for a cycle, the latest first."""
    return list(
        db.session.scalars(
            sa.select(NationalReport)
            .where(NationalReport.cycle_id == cycle_id, NationalReport.state_id == state_id)
            .order_by(NationalReport.version.desc())
        )
    )


def current_by_cycle(state_id: int) -> dict[int, NationalReport]:
    """For each cycle, the State's report as ``current`` says, in one query."""
    found: dict[int, NationalReport] = {}
    rows = db.session.scalars(
        sa.select(NationalReport)
        .where(
            NationalReport.state_id == state_id,
            NationalReport.status.in_([S.DRAFT, S.SUBMITTED]),
        )
        .order_by(NationalReport.version)
    )
    for report in rows:
        kept = found.get(report.cycle_id)
        if kept is None or kept.status is not S.DRAFT:
            found[report.cycle_id] = report
    return found


def current(cycle_id: int, state_id: int) -> NationalReport | None:
    """The draft being written, else the report standing (submitted), else None."""
    found = versions(cycle_id, state_id)
    for status in (S.DRAFT, S.SUBMITTED):
        for report in found:
            if report.status is status:
                return report
    return None


def own_report(actor: User, report_id: int) -> NationalReport:
    """A report of the actor's State (404 for any other: it is not theirs to know of)."""
    state_id = state_of(actor)
    report = db.session.get(NationalReport, report_id)
    if report is None or report.state_id != state_id:
        raise NotFound(_("There is no such report."))
    return report


def _previous_answers(cycle: ReportingCycle, state_id: int) -> dict[str, Any] | None:
    """The answers of the State's latest submitted report of an earlier cycle."""
    earlier = db.session.scalar(
        sa.select(NationalReport)
        .join(ReportingCycle, ReportingCycle.id == NationalReport.cycle_id)
        .join(Meeting, Meeting.id == ReportingCycle.meeting_id)
        .where(
            NationalReport.state_id == state_id,
            NationalReport.status == S.SUBMITTED,
            NationalReport.cycle_id != cycle.id,
            Meeting.start_date < cycle.meeting.start_date,
        )
        .order_by(Meeting.start_date.desc())
        .limit(1)
    )
    return dict(earlier.answers) if earlier is not None else None


def start(actor: User, cycle: ReportingCycle, *, nothing_new: bool = False) -> NationalReport:
    """The draft of the actor's State for ``cycle``: the one being written, or a new one — a
    correction of the submitted report (its answers copied), or a first version, empty or, when
    the State has nothing new to report, filled from its previous report."""
    state_id = state_of(actor)
    moment = clock.now()
    if moment < opens_at(cycle):
        raise DomainError(_("This reporting cycle opens on %(day)s.", day=cycle.opens_on))
    if moment >= closes_at(cycle):
        raise DomainError(_("This reporting cycle is closed: reports can no longer be submitted."))
    existing = versions(cycle.id, state_id)
    draft = next((r for r in existing if r.status is S.DRAFT), None)
    if draft is not None:
        return draft
    submitted = next((r for r in existing if r.status is S.SUBMITTED), None)
    carried = False
    if submitted is not None:
        answers, public = dict(submitted.answers), submitted.public
    else:
        previous = _previous_answers(cycle, state_id) if nothing_new else None
        if nothing_new and previous is None:
            raise DomainError(
                _("Your State has no earlier report to carry forward: start a new one.")
            )
        answers, public, carried = previous or {}, False, previous is not None
    known = form_of(cycle).questions
    report = NationalReport(
        cycle_id=cycle.id,
        state_id=state_id,
        version=(existing[0].version + 1) if existing else 1,
        status=S.DRAFT,
        answers={key: value for key, value in answers.items() if key in known},
        public=public,
        nothing_new=carried,
    )
    db.session.add(report)
    db.session.flush()
    if submitted is not None:  # a correction keeps the documents of the version it corrects
        for attachment, _document in attachments(submitted):
            db.session.add(
                ReportAttachment(report_id=report.id, document_id=attachment.document_id)
            )
        db.session.flush()
    record(
        actor,
        "national_report.started",
        report,
        after={"version": report.version, "nothing_new": carried},
    )
    return report


def _editable(actor: User, report: NationalReport) -> ReportingCycle:
    if not acts_for(actor, state_id=report.state_id):
        raise NotFound(_("There is no such report."))
    if report.status is not S.DRAFT:
        raise DomainError(_("A submitted report is locked: start a correction to change it."))
    cycle = db.session.get(ReportingCycle, report.cycle_id)
    assert cycle is not None
    return cycle


def save_section(
    actor: User, report: NationalReport, section_id: str, form: Mapping[str, str]
) -> NationalReport:
    """Keep one section's answers (all of them, or none when any is refused)."""
    cycle = _editable(actor, report)
    definition = form_of(cycle)
    if definition.section(section_id) is None:
        raise NotFound(_("There is no such section."))
    found = answer_rules.read_section(definition, section_id, form)
    before = {key: report.answers.get(key) for key in found}
    merged = dict(report.answers)
    for key, value in found.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    report.answers = merged
    db.session.flush()
    record(actor, "national_report.section_saved", report, before=before, after=found)
    return report


def set_choices(
    actor: User, report: NationalReport, *, public: bool, contacts_to_directory: bool
) -> NationalReport:
    """Whether the report is published, and whether its contacts update the directory."""
    _editable(actor, report)
    before = {"public": report.public, "contacts_to_directory": report.contacts_to_directory}
    report.public = public
    report.contacts_to_directory = contacts_to_directory
    db.session.flush()
    record(
        actor,
        "national_report.choices",
        report,
        before=before,
        after={"public": public, "contacts_to_directory": contacts_to_directory},
    )
    return report


def missing(report: NationalReport) -> list[str]:
    cycle = db.session.get(ReportingCycle, report.cycle_id)
    assert cycle is not None
    return answer_rules.missing(form_of(cycle), report.answers)


def submit(actor: User, report: NationalReport) -> NationalReport:
    """Submit and lock the draft; the version it corrects becomes superseded; its needs and
    offers join the register, and its contacts the directory when the State agreed."""
    from meetings.reporting import assistance, contacts

    _editable(actor, report)
    earlier = next(
        (r for r in versions(report.cycle_id, report.state_id) if r.status is S.SUBMITTED), None
    )
    cycle = db.session.get(ReportingCycle, report.cycle_id)
    assert cycle is not None
    _check_move(actor, report, S.DRAFT, S.SUBMITTED)  # refused before anything changes
    if earlier is not None:  # one report stands at a time: the earlier one steps aside first
        WORKFLOW.move(None, earlier, S.SUPERSEDED)
        earlier.superseded_at = clock.now()
    WORKFLOW.move(actor, report, S.SUBMITTED)
    report.submitted_at = clock.now()
    report.submitted_by_id = actor.id
    db.session.flush()
    assistance.register_from(report, form_of(cycle))
    if report.contacts_to_directory:
        contacts.fill_from_report(actor, report, form_of(cycle))
    _confirm(report, cycle)
    return report


def _confirm(report: NationalReport, cycle: ReportingCycle) -> None:
    """Every focal point of the State is told, in their own language, that the report is in."""
    from meetings import mail
    from meetings.auth.services import focal_point_addresses
    from meetings.urls import external_url

    for address in focal_point_addresses(report.state_id):
        mail.send(
            address,
            lambda: _(
                "%(meeting)s: the national report of %(state)s is submitted",
                meeting=cycle.meeting.display_title,
                state=report.state.display_name,
            ),
            "mail/report_submitted.txt",
            report=report,
            cycle=cycle,
            link=external_url("reporting_focal.report", report_id=report.id),
        )


def visible(viewer: User | None, report: NationalReport) -> bool:
    """Who may read a report: its State's focal point, the secretariat (submitted ones), and
    everyone when the State published it."""
    if viewer is not None and acts_for(viewer, state_id=report.state_id):
        return True
    if report.status is S.DRAFT:
        return False
    if viewer is not None and has_permission(viewer, Permission.MANAGE_REPORTING):
        return True
    return report.public


def readable(viewer: User | None, report_id: int) -> NationalReport:
    report = db.session.get(NationalReport, report_id)
    if report is None or not visible(viewer, report):
        raise NotFound(_("There is no such report."))
    return report


MAX_ATTACHMENTS = 10


def attachments(report: NationalReport) -> list[tuple[ReportAttachment, Document]]:
    return [
        (attachment, document)
        for attachment, document in db.session.execute(
            sa.select(ReportAttachment, Document)
            .join(Document, Document.id == ReportAttachment.document_id)
            .where(ReportAttachment.report_id == report.id)
            .order_by(ReportAttachment.id)
        ).tuples()
    ]


def attach(actor: User, report: NationalReport, upload: Upload) -> ReportAttachment:
    """A supporting document (legislation, a national action plan…) for a draft; checked by
    content and size like every upload. A correction keeps the earlier version's documents."""
    _editable(actor, report)
    if len(attachments(report)) >= MAX_ATTACHMENTS:
        raise DomainError(
            _("A report has at most %(n)d documents attached.", n=MAX_ATTACHMENTS), field="file"
        )
    document = new_document(actor, upload)
    attachment = ReportAttachment(report_id=report.id, document_id=document.id)
    db.session.add(attachment)
    db.session.flush()
    record(actor, "national_report.document_attached", report, after={"file": upload.original_name})
    return attachment


def detach(actor: User, report: NationalReport, attachment_id: int) -> None:
    _editable(actor, report)
    attachment = db.session.get(ReportAttachment, attachment_id)
    if attachment is None or attachment.report_id != report.id:
        raise NotFound(_("There is no such document."))
    record(
        actor,
        "national_report.document_removed",
        report,
        before={"document": attachment.document_id},
    )
    db.session.delete(attachment)
    db.session.flush()


def attachment_of(report: NationalReport, attachment_id: int) -> Document:
    for attachment, document in attachments(report):
        if attachment.id == attachment_id:
            return document
    raise NotFound(_("There is no such document."))
