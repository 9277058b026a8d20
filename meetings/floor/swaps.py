"""Two States exchanging places on a list of speakers, only when both agree.

A State's focal point proposes to exchange with another State (agreeing by proposing), or the
secretariat proposes on the delegations' behalf; each focal point that has not yet agreed
confirms or declines. The exchange is made, under the list's lock, when the second agreement
arrives and both are still waiting to speak; otherwise it lapses. Its course is one table."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from meetings import clock, mail
from meetings.audit.services import record
from meetings.auth.models import User
from meetings.auth.permissions import Permission, acts_for, has_permission
from meetings.auth.services import focal_point_addresses
from meetings.errors import DomainError, NotFound, PermissionDenied
from meetings.extensions import db
from meetings.floor import order
from meetings.floor.models import Inscription, InscriptionStatus, SpeakerSwap, SwapStatus
from meetings.floor.order import SpeakerKind
from meetings.floor.speakers import _entry, _locked, _write, inscriptions, list_of, speaker_name
from meetings.urls import external_url

S = SwapStatus

# The course of a swap: from each status, where it may go.
TRANSITIONS: dict[SwapStatus, frozenset[SwapStatus]] = {
    S.PROPOSED: frozenset({S.DONE, S.DECLINED, S.WITHDRAWN, S.LAPSED}),
    S.DONE: frozenset(),
    S.DECLINED: frozenset(),
    S.WITHDRAWN: frozenset(),
    S.LAPSED: frozenset(),
}


def _move(swap: SpeakerSwap, target: SwapStatus) -> None:
    if target not in TRANSITIONS[swap.status]:
        raise DomainError(_("This exchange of places has already been settled."))
    swap.status = target
    swap.decided_at = clock.now()


def _is_secretariat(actor: User) -> bool:
    return has_permission(actor, Permission.MANAGE_SCHEDULE)


def _open_swap_of(row: Inscription) -> int | None:
    return db.session.scalar(
        sa.select(SpeakerSwap.id).where(
            SpeakerSwap.status == S.PROPOSED,
            sa.or_(SpeakerSwap.first_id == row.id, SpeakerSwap.second_id == row.id),
        )
    )


def propose(actor: User, first: Inscription, second: Inscription | None) -> SpeakerSwap:
    """``first``'s focal point (or the secretariat) proposes that ``first`` and ``second``
    exchange places."""
    secretariat = _is_secretariat(actor)
    if not secretariat and not acts_for(actor, state_id=first.state_id):
        raise PermissionDenied(_("Only the State's focal point proposes to exchange its place."))
    if second is None or first.list_id != second.list_id or first.id == second.id:
        raise DomainError(_("Choose another State on the same list."), field="other")
    if first.kind is not SpeakerKind.STATE or second.kind is not SpeakerKind.STATE:
        raise DomainError(_("Only States exchange places."), field="other")
    if {first.status, second.status} != {InscriptionStatus.WAITING}:
        raise DomainError(_("Both States must still be waiting to speak."), field="other")
    _locked(list_of(first))
    if _open_swap_of(first) or _open_swap_of(second):
        raise DomainError(
            _("One of these States already has an exchange of places waiting."), field="other"
        )
    now = clock.now()
    swap = SpeakerSwap(
        list_id=first.list_id,
        first_id=first.id,
        second_id=second.id,
        proposed_by_id=actor.id,
        first_agreed_at=None if secretariat else now,
    )
    db.session.add(swap)
    db.session.flush()
    record(
        actor,
        "speaker_swap.proposed",
        swap,
        after={"first": speaker_name(first), "second": speaker_name(second)},
    )
    _tell(swap, [s for s in (first, second) if not _agreed(swap, s)])
    return swap


def _agreed(swap: SpeakerSwap, row: Inscription) -> bool:
    return (swap.first_agreed_at if row.id == swap.first_id else swap.second_agreed_at) is not None


def _side(actor: User, swap: SpeakerSwap) -> Inscription:
    for row in (swap.first, swap.second):
        if acts_for(actor, state_id=row.state_id):
            return row
    raise PermissionDenied(_("Only the focal points of the two States answer this exchange."))


def agree(actor: User, swap: SpeakerSwap) -> SpeakerSwap:
    """One State's focal point agrees; with both agreements the places are exchanged (if both
    are still waiting to speak; otherwise the exchange lapses)."""
    side = _side(actor, swap)
    speakers = _locked(list_of(side))
    db.session.refresh(swap)  # another focal point may have answered while we waited
    if swap.status is not S.PROPOSED:
        raise DomainError(_("This exchange of places has already been settled."))
    if _agreed(swap, side):
        raise DomainError(_("Your State has already agreed; the other State has not yet."))
    now = clock.now()
    if side.id == swap.first_id:
        swap.first_agreed_at = now
    else:
        swap.second_agreed_at = now
    record(actor, "speaker_swap.agreed", swap, after={"state": speaker_name(side)})
    if swap.first_agreed_at is None or swap.second_agreed_at is None:
        db.session.flush()
        return swap
    waiting = inscriptions(speakers, waiting_only=True)
    ids = {r.id for r in waiting}
    if swap.first_id not in ids or swap.second_id not in ids:
        _move(swap, S.LAPSED)
        db.session.flush()
        record(actor, "speaker_swap.lapsed", swap)
        return swap
    _write(waiting, order.swap([_entry(r) for r in waiting], swap.first_id, swap.second_id))
    for row in (swap.first, swap.second):
        row.move_reason = _("Exchanged places with %(other)s", other=_other_name(swap, row))
    _move(swap, S.DONE)
    db.session.flush()
    record(actor, "speaker_swap.done", swap)
    return swap


def _other_name(swap: SpeakerSwap, row: Inscription) -> str:
    return speaker_name(swap.second if row.id == swap.first_id else swap.first)


def decline(actor: User, swap: SpeakerSwap) -> SpeakerSwap:
    """A focal point that has not agreed declines; the places stay as they are."""
    side = _side(actor, swap)
    if swap.status is S.PROPOSED and _agreed(swap, side):
        raise DomainError(_("Your State proposed or agreed to this exchange; withdraw it instead."))
    _move(swap, S.DECLINED)
    db.session.flush()
    record(actor, "speaker_swap.declined", swap, after={"state": speaker_name(side)})
    _tell(swap, [r for r in (swap.first, swap.second) if r.id != side.id])
    return swap


def withdraw(actor: User, swap: SpeakerSwap) -> SpeakerSwap:
    """Whoever proposed (or the secretariat) takes the proposal back before it is settled."""
    if swap.proposed_by_id != actor.id and not _is_secretariat(actor):
        raise PermissionDenied(_("Only whoever proposed this exchange withdraws it."))
    _move(swap, S.WITHDRAWN)
    db.session.flush()
    record(actor, "speaker_swap.withdrawn", swap)
    return swap


def swap_by_id(list_id: int, swap_id: int) -> SpeakerSwap:
    found = db.session.get(SpeakerSwap, swap_id)
    if found is None or found.list_id != list_id:
        raise NotFound(_("There is no such exchange of places."))
    return found


def open_swaps(list_id: int) -> list[SpeakerSwap]:
    return list(
        db.session.scalars(
            sa.select(SpeakerSwap)
            .where(SpeakerSwap.list_id == list_id, SpeakerSwap.status == S.PROPOSED)
            .order_by(SpeakerSwap.id)
        )
    )


def _tell(swap: SpeakerSwap, rows: list[Inscription]) -> None:
    """The focal points asked to answer (or told of a refusal)."""
    speakers = list_of(swap.first)
    link = external_url("floor.speakers_page", list_id=speakers.id)
    for row in rows:
        assert row.state_id is not None
        for address in focal_point_addresses(row.state_id):
            mail.send(
                address,
                lambda: _(
                    "%(list)s: exchange of places between %(first)s and %(second)s",
                    list=speakers.title,
                    first=speaker_name(swap.first),
                    second=speaker_name(swap.second),
                ),
                "mail/speaker_swap.txt",
                swap=swap,
                speakers_list=speakers,
                first=speaker_name(swap.first),
                second=speaker_name(swap.second),
                link=link,
            )
