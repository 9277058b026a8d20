"""The statements portal: a delegation uploads its statement for a sitting or an agenda item
(PDF or Word, checked by content), embargoed until delivered or not; the secretariat or the
delegation marks it delivered; a replaced file keeps its history.

Who sees a statement: everyone once it is delivered, or at once when it is not embargoed
("check against delivery"); until then only its delegation (the focal point and the delegates
it allows) and the secretariat."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from meetings import clock
from meetings.audit.services import record
from meetings.auth.models import User
from meetings.auth.permissions import Permission, acts_for, has_permission
from meetings.documents.services import Upload, new_document
from meetings.errors import DomainError, NotFound, PermissionDenied
from meetings.extensions import db
from meetings.floor.statement_models import (
    Statement,
    StatementFile,
    StatementLanguage,
    StatementStatus,
    StatementUploader,
)
from meetings.floor.statement_queries import agenda_items_of, sittings_for_statements
from meetings.registration.models import ACTIVE_STATUSES, Delegation, Registration
from meetings.registration.services import delegation_of
from meetings.schedule.models import Meeting, Sitting

S = StatementStatus

# The course of a statement: from each status, where it may go.
TRANSITIONS: dict[StatementStatus, frozenset[StatementStatus]] = {
    S.UPLOADED: frozenset({S.DELIVERED, S.WITHDRAWN}),
    S.DELIVERED: frozenset(),
    S.WITHDRAWN: frozenset(),
}


@dataclass(frozen=True)
class StatementData:
    sitting_id: int | None
    agenda_item: str
    language: StatementLanguage | None
    embargoed: bool
    title: str = ""


def _secretariat(actor: User | None) -> bool:
    return actor is not None and has_permission(actor, Permission.MANAGE_SCHEDULE)


def _allowed_registration(actor: User, delegation_id: int) -> int | None:
    return db.session.scalar(
        sa.select(Registration.id)
        .join(StatementUploader, StatementUploader.registration_id == Registration.id)
        .where(
            StatementUploader.delegation_id == delegation_id,
            Registration.user_id == actor.id,
            Registration.status.in_(ACTIVE_STATUSES),
        )
    )


def speaks_for(actor: User | None, delegation: Delegation) -> bool:
    """The delegation's focal point, or a delegate of it the focal point allowed."""
    if actor is None:
        return False
    if acts_for(actor, state_id=delegation.state_id, organisation_id=delegation.organisation_id):
        return True
    return _allowed_registration(actor, delegation.id) is not None


def is_public(statement: Statement) -> bool:
    if statement.status is S.WITHDRAWN:
        return False
    return statement.status is S.DELIVERED or not statement.embargoed


def may_see_history(actor: User | None, statement: Statement) -> bool:
    """The statement's earlier files, and everything before it is public."""
    return _secretariat(actor) or speaks_for(actor, statement.delegation)


def may_see(actor: User | None, statement: Statement) -> bool:
    return is_public(statement) or may_see_history(actor, statement)


def meeting_of(statement: Statement) -> Meeting:
    found = db.session.get(Meeting, statement.meeting_id)
    assert found is not None
    return found


def _move(actor: User, statement: Statement, target: StatementStatus) -> None:
    if target not in TRANSITIONS[statement.status]:
        raise DomainError(_("This statement has already been delivered or withdrawn."))
    before = statement.status
    statement.status = target
    db.session.flush()
    record(
        actor,
        f"statement.{target.value}",
        statement,
        before={"status": before},
        after={"status": target},
    )


# --- what a delegation may choose ----------------------------------------------------------------


def _check(meeting: Meeting, data: StatementData) -> Sitting | None:
    sitting = None
    if data.sitting_id is not None:
        sitting = db.session.get(Sitting, data.sitting_id)
        if sitting is None or sitting not in sittings_for_statements(meeting.id):
            raise DomainError(_("Choose a sitting of this meeting."), field="sitting")
    if data.agenda_item and data.agenda_item not in agenda_items_of(meeting.id):
        raise DomainError(_("Choose an agenda item of this meeting."), field="agenda_item")
    if sitting is None and not data.agenda_item:
        raise DomainError(
            _("Say which sitting or agenda item the statement is for."), field="sitting"
        )
    if data.language is None:
        raise DomainError(_("Choose the language of the statement."), field="language")
    return sitting


# --- the delegation's work -----------------------------------------------------------------------


def upload(
    actor: User,
    meeting: Meeting,
    delegation: Delegation,
    data: StatementData,
    file: Upload | None,
) -> Statement:
    if delegation.meeting_id != meeting.id or not speaks_for(actor, delegation):
        raise PermissionDenied(_("Only the delegation uploads its statements."))
    sitting = _check(meeting, data)
    if file is None:
        raise DomainError(_("Choose the statement's file (PDF or Word)."), field="file")
    document = new_document(actor, file)
    statement = Statement(
        meeting_id=meeting.id,
        delegation_id=delegation.id,
        sitting_id=sitting.id if sitting else None,
        agenda_item=data.agenda_item,
        title=data.title.strip()[:200],
        language=data.language,
        embargoed=data.embargoed,
        document_id=document.id,
        uploaded_by_id=actor.id,
    )
    db.session.add(statement)
    db.session.flush()
    _keep_file(actor, statement, document.id, 1)
    record(
        actor,
        "statement.uploaded",
        statement,
        after={
            "delegation": delegation.name,
            "sitting": sitting.number if sitting else None,
            "agenda_item": data.agenda_item,
            "language": data.language,
            "embargoed": data.embargoed,
            "file": file.original_name,
        },
    )
    return statement


def _keep_file(actor: User, statement: Statement, document_id: int, version: int) -> None:
    db.session.add(
        StatementFile(
            statement_id=statement.id,
            version=version,
            document_id=document_id,
            uploaded_at=clock.now(),
            uploaded_by_id=actor.id,
        )
    )
    db.session.flush()


def replace_file(actor: User, statement: Statement, file: Upload | None) -> Statement:
    """A corrected file; the earlier ones stay in the statement's history."""
    if not speaks_for(actor, statement.delegation):
        raise PermissionDenied(_("Only the delegation replaces its statement's file."))
    if statement.status is S.WITHDRAWN:
        raise DomainError(_("This statement was withdrawn."))
    if file is None:
        raise DomainError(_("Choose the statement's file (PDF or Word)."), field="file")
    version = 1 + (
        db.session.scalar(
            sa.select(sa.func.max(StatementFile.version)).where(
                StatementFile.statement_id == statement.id
            )
        )
        or 0
    )
    document = new_document(actor, file)
    statement.document_id = document.id
    _keep_file(actor, statement, document.id, version)
    db.session.refresh(statement, ["document"])
    record(actor, "statement.replaced", statement, after={"version": version})
    return statement


def mark_delivered(actor: User, statement: Statement) -> Statement:
    """Delivered in the room: public from now on. Not before its sitting has begun."""
    if not (_secretariat(actor) or speaks_for(actor, statement.delegation)):
        raise PermissionDenied(_("Only the secretariat or the delegation marks it delivered."))
    now = clock.now()
    if statement.sitting is not None and statement.sitting.starts_at > now:
        raise DomainError(_("A statement is delivered once its sitting has begun."))
    _move(actor, statement, S.DELIVERED)
    statement.delivered_at = now
    db.session.flush()
    return statement


def withdraw(actor: User, statement: Statement) -> Statement:
    """The delegation takes back a statement not yet delivered."""
    if not speaks_for(actor, statement.delegation):
        raise PermissionDenied(_("Only the delegation withdraws its statement."))
    _move(actor, statement, S.WITHDRAWN)
    return statement


def members_of(actor: User, delegation: Delegation) -> list[Registration]:
    """The delegation's members the focal point may allow to upload (empty for anyone else)."""
    if not acts_for(
        actor, state_id=delegation.state_id, organisation_id=delegation.organisation_id
    ):
        return []
    return list(
        db.session.scalars(
            sa.select(Registration)
            .where(
                Registration.delegation_id == delegation.id,
                Registration.status.in_(ACTIVE_STATUSES),
                Registration.user_id.is_not(None),
            )
            .order_by(Registration.family_name, Registration.given_names, Registration.id)
        )
    )


def choose_uploaders(actor: User, delegation: Delegation, chosen: set[int]) -> None:
    """The focal point lets exactly ``chosen`` (members of its delegation with an account)
    upload and deliver its statements."""
    if not acts_for(
        actor, state_id=delegation.state_id, organisation_id=delegation.organisation_id
    ):
        raise PermissionDenied(_("Only the delegation's focal point chooses who uploads."))
    members = {m.id for m in members_of(actor, delegation)}
    if not chosen <= members:
        raise DomainError(_("Choose members of your delegation."), field="allowed")
    existing = {
        row.registration_id: row
        for row in db.session.scalars(
            sa.select(StatementUploader).where(StatementUploader.delegation_id == delegation.id)
        )
    }
    if set(existing) == chosen:
        return
    for registration_id, row in existing.items():
        if registration_id not in chosen:
            db.session.delete(row)
    now = clock.now()
    for registration_id in chosen - set(existing):
        db.session.add(
            StatementUploader(
                delegation_id=delegation.id,
                registration_id=registration_id,
                allowed_by_id=actor.id,
                allowed_at=now,
            )
        )
    db.session.flush()
    record(
        actor,
        "delegation.statement_uploaders",
        delegation,
        before={"allowed": sorted(existing)},
        after={"allowed": sorted(chosen)},
    )


# --- reading -------------------------------------------------------------------------------------


def statement_by_id(statement_id: int) -> Statement:
    found = db.session.get(Statement, statement_id)
    if found is None:
        raise NotFound(_("There is no such statement."))
    return found


def readable(actor: User | None, statement_id: int) -> Statement:
    """The statement, when ``actor`` may see it (404 otherwise: an embargoed statement is not
    admitted to exist)."""
    found = statement_by_id(statement_id)
    if not may_see(actor, found):
        raise NotFound(_("There is no such statement."))
    return found


def delegation_for(actor: User, meeting: Meeting, *, create: bool = False) -> Delegation | None:
    """The delegation ``actor`` uploads statements for at this meeting: its focal point's own
    (made when ``create`` and it has none yet), or the delegation that allowed it; None for
    anyone else."""
    assignment = actor.focal_point_assignment
    if assignment is not None and (assignment.state_id or assignment.organisation_id):
        return delegation_of(meeting, assignment.state, assignment.organisation, create=create)
    query = sa.select(Delegation).where(Delegation.meeting_id == meeting.id)
    return db.session.scalar(
        query.join(StatementUploader, StatementUploader.delegation_id == Delegation.id)
        .join(Registration, Registration.id == StatementUploader.registration_id)
        .where(Registration.user_id == actor.id, Registration.status.in_(ACTIVE_STATUSES))
    )


def own_delegation(actor: User, meeting: Meeting, *, create: bool = False) -> Delegation | None:
    """``delegation_for``, for someone who must have one: a focal point (whose delegation may
    not exist yet unless ``create``) or an allowed delegate; PermissionDenied for anyone else."""
    found = delegation_for(actor, meeting, create=create)
    if found is None and (create or actor.focal_point_assignment is None):
        raise PermissionDenied(_("Only the delegation uploads its statements."))
    return found


def uploaders_of(delegation: Delegation) -> set[int]:
    return set(
        db.session.scalars(
            sa.select(StatementUploader.registration_id).where(
                StatementUploader.delegation_id == delegation.id
            )
        )
    )
