"""Lists of speakers: inscriptions by focal points (States) and by the secretariat (the others),
the order (meetings.floor.order), moves with a reason, swaps both States agreed to, and the
sitting's course (spoken, absent: to the end the first time, dropped the second).

Every change of positions takes the list's row lock first, so two focal points inscribing at the
same instant are placed one after the other, in a deterministic order (time, then row)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from meetings import clock
from meetings.audit.services import record
from meetings.auth.models import User
from meetings.auth.permissions import Permission, acts_for, require
from meetings.errors import DomainError, NotFound, PermissionDenied
from meetings.extensions import db
from meetings.floor import order
from meetings.floor.models import Inscription, InscriptionStatus, SpeakersList
from meetings.floor.order import Entry, Level, SpeakerKind
from meetings.reference.models import State
from meetings.registration.models import ACTIVE_STATUSES, Delegation, Registration

SECRETARIAT = Permission.MANAGE_SCHEDULE


def _locked(speakers: SpeakersList) -> SpeakersList:
    """The list, locked for this transaction (PostgreSQL; SQLite writes one at a time)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            sa.select(SpeakersList.id).where(SpeakersList.id == speakers.id).with_for_update()
        )
    return speakers


def inscriptions(speakers: SpeakersList, *, waiting_only: bool = False) -> list[Inscription]:
    query = (
        sa.select(Inscription)
        .where(Inscription.list_id == speakers.id)
        .order_by(Inscription.position, Inscription.id)
    )
    if waiting_only:
        query = query.where(Inscription.status == InscriptionStatus.WAITING)
    else:
        query = query.where(Inscription.status != InscriptionStatus.WITHDRAWN)
    return list(db.session.scalars(query))


def _entry(row: Inscription) -> Entry:
    return Entry(row.id, row.kind, row.level, row.inscribed_at, row.position, row.moved)


def _write(rows: list[Inscription], entries: list[Entry]) -> None:
    by_id = {row.id: row for row in rows}
    for entry in entries:
        row = by_id[entry.id]
        if (row.position, row.moved) != (entry.position, entry.moved):
            row.position, row.moved = entry.position, entry.moved
    db.session.flush()


def is_open(speakers: SpeakersList, moment: datetime | None = None) -> bool:
    moment = moment or clock.now()
    return speakers.opens_at <= moment and speakers.closed_at is None


def _add(speakers: SpeakersList, row: Inscription) -> Inscription:
    _locked(speakers)
    current = inscriptions(speakers, waiting_only=True)
    db.session.add(row)
    row.position = 0
    db.session.flush()  # the row's id settles a tie of the same instant
    placed = order.place([_entry(r) for r in current], _entry(row))
    _write([*current, row], placed)
    return row


def inscribe_state(
    actor: User, speakers: SpeakersList, state_id: int, level: Level, speaker_id: int | None
) -> Inscription:
    """The focal point inscribes its State, once per list; the speaker may be "to be
    confirmed" (None)."""
    if not acts_for(actor, state_id=state_id):
        raise PermissionDenied(_("Only the State's focal point inscribes it."))
    if not is_open(speakers):
        raise DomainError(_("This list of speakers is not open for inscription."))
    exists = db.session.scalar(
        sa.select(Inscription.id).where(
            Inscription.list_id == speakers.id,
            Inscription.state_id == state_id,
            Inscription.status != InscriptionStatus.WITHDRAWN,
        )
    )
    if exists:
        raise DomainError(_("Your State is already on this list."))
    _check_speaker(speakers, state_id, speaker_id)
    row = _add(
        speakers,
        Inscription(
            list_id=speakers.id,
            kind=SpeakerKind.STATE,
            state_id=state_id,
            level=level,
            speaker_registration_id=speaker_id,
            inscribed_at=clock.now(),
        ),
    )
    record(actor, "inscription.created", row, after={"level": level, "state_id": state_id})
    return row


def inscribe_other(
    actor: User, speakers: SpeakersList, kind: SpeakerKind, name: str, state_id: int | None = None
) -> Inscription:
    """The secretariat inscribes a group of States (speaking through ``state_id``), an
    organisation, a UN entity or civil society; they speak after the States."""
    require(actor, SECRETARIAT)
    if kind is SpeakerKind.STATE:
        raise DomainError(_("A State is inscribed by its focal point."), field="kind")
    if not name.strip():
        raise DomainError(_("Enter the name of the speaker's organisation or group."), field="name")
    if kind is SpeakerKind.GROUP and (state_id is None or db.session.get(State, state_id) is None):
        raise DomainError(_("Choose the State the group speaks through."), field="state")
    row = _add(
        speakers,
        Inscription(
            list_id=speakers.id,
            kind=kind,
            name=name.strip()[:200],
            state_id=state_id if kind is SpeakerKind.GROUP else None,
            level=Level.OTHER,
            inscribed_at=clock.now(),
        ),
    )
    record(actor, "inscription.created", row, after={"kind": kind, "name": row.name})
    return row


def move(actor: User, row: Inscription, to_index: int, reason: str) -> Inscription:
    """The secretariat moves one speaker (to ``to_index`` among those waiting), saying why."""
    require(actor, SECRETARIAT)
    if not reason.strip():
        raise DomainError(_("Give the reason for the move."), field="reason")
    speakers = list_of(row)
    _locked(speakers)
    current = inscriptions(speakers, waiting_only=True)
    if row not in current:
        raise DomainError(_("Only a speaker still waiting can be moved."))
    before = [r.id for r in current].index(row.id)
    _write(current, order.move([_entry(r) for r in current], row.id, to_index))
    row.move_reason = reason.strip()
    record(
        actor,
        "inscription.moved",
        row,
        before={"place": before + 1},
        after={"place": to_index + 1},
        reason=reason,
    )
    return row


def mark(actor: User, row: Inscription, status: InscriptionStatus) -> Inscription:
    """During the sitting: spoken, or absent (to the end the first time, dropped the second)."""
    require(actor, SECRETARIAT)
    if row.status is not InscriptionStatus.WAITING:
        raise DomainError(_("This speaker is no longer waiting."))
    speakers = list_of(row)
    _locked(speakers)
    before = row.status
    if status is InscriptionStatus.ABSENT:
        row.absences += 1
        if row.absences >= 2:
            row.status = InscriptionStatus.DROPPED
        else:
            current = inscriptions(speakers, waiting_only=True)
            _write(current, order.to_end([_entry(r) for r in current], row.id))
    elif status is InscriptionStatus.SPOKEN:
        row.status = InscriptionStatus.SPOKEN
    else:
        raise DomainError(_("Mark a speaker as having spoken, or as absent."))
    db.session.flush()
    record(
        actor,
        f"inscription.{status.value}",
        row,
        before={"status": before},
        after={"status": row.status},
    )
    return row


def delegates_of(speakers: SpeakersList, state_id: int) -> list[Registration]:
    """The members of the State's delegation to the list's meeting who may be named to speak
    (registrations that hold a place: submitted, approved, accredited)."""
    return list(
        db.session.scalars(
            sa.select(Registration)
            .join(Delegation, Delegation.id == Registration.delegation_id)
            .where(
                Delegation.meeting_id == speakers.meeting_id,
                Delegation.state_id == state_id,
                Registration.status.in_(ACTIVE_STATUSES),
            )
            .order_by(Registration.family_name, Registration.given_names, Registration.id)
        )
    )


def _check_speaker(speakers: SpeakersList, state_id: int, speaker_id: int | None) -> None:
    if speaker_id is None:
        return  # to be confirmed
    if speaker_id not in {r.id for r in delegates_of(speakers, state_id)}:
        raise DomainError(
            _("Choose a member of your delegation to this meeting, or “to be confirmed”."),
            field="speaker",
        )


def _check_own_waiting(actor: User, row: Inscription) -> None:
    if row.kind is not SpeakerKind.STATE or not acts_for(actor, state_id=row.state_id):
        raise PermissionDenied(_("Only the State's focal point changes its inscription."))
    if row.status is not InscriptionStatus.WAITING:
        raise DomainError(_("This speaker is no longer waiting."))


def name_speaker(actor: User, row: Inscription, speaker_id: int | None) -> Inscription:
    """The focal point names who speaks for its State (or sets it back to "to be confirmed");
    the place on the list does not change."""
    _check_own_waiting(actor, row)
    assert row.state_id is not None
    speakers = list_of(row)
    _check_speaker(speakers, row.state_id, speaker_id)
    before = row.speaker_registration_id
    if before == speaker_id:
        return row
    row.speaker_registration_id = speaker_id
    db.session.flush()
    db.session.refresh(row, ["speaker"])
    record(
        actor, "inscription.speaker", row, before={"speaker": before}, after={"speaker": speaker_id}
    )
    return row


def withdraw(actor: User, row: Inscription) -> Inscription:
    """The focal point takes its State off the list (it may inscribe again, at the end of its
    level, while the list is open)."""
    _check_own_waiting(actor, row)
    _locked(list_of(row))
    row.status = InscriptionStatus.WITHDRAWN
    db.session.flush()
    record(actor, "inscription.withdrawn", row, before={"status": "waiting"})
    return row


def list_of(row: Inscription) -> SpeakersList:
    found = db.session.get(SpeakersList, row.list_id)
    assert found is not None
    return found


def inscription_of(list_id: int, inscription_id: int) -> Inscription:
    row = db.session.get(Inscription, inscription_id)
    if row is None or row.list_id != list_id:
        raise NotFound(_("There is no such speaker on this list."))
    return row


def own_inscription(speakers: SpeakersList, state_id: int) -> Inscription | None:
    return db.session.scalar(
        sa.select(Inscription).where(
            Inscription.list_id == speakers.id,
            Inscription.state_id == state_id,
            Inscription.status != InscriptionStatus.WITHDRAWN,
        )
    )


def speaker_name(row: Inscription) -> str:
    """A State by its name in the reader's language; a group with the State it speaks
    through; an organisation by its name."""
    if row.state is not None and row.kind is SpeakerKind.STATE:
        return row.state.display_name
    if row.state is not None:
        return f"{row.name} ({row.state.display_name})"
    return row.name
