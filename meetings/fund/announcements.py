"""Pledges announced online. A donor, or a visitor writing on behalf of a government or an
organisation, announces on /fund/contribute what they mean to give; the fund administrators are
told, and one of them confirms it (the pledge is recorded for the right donor, created if need
be) or declines it with a reason. Either way the person who announced it is told. An
announcement is never money and never a pledge until confirmed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from meetings import clock, mail
from meetings.audit.services import record
from meetings.auth import services as accounts
from meetings.auth.models import Role, RoleAssignment, User
from meetings.auth.permissions import Permission, require
from meetings.errors import DomainError, NotFound
from meetings.extensions import db
from meetings.fund import donors, pledges
from meetings.fund.models import AnnouncementStatus as A
from meetings.fund.models import Donor, DonorKind, Pledge, PledgeAnnouncement
from meetings.money import Money
from meetings.reference.models import State
from meetings.schedule.models import Meeting
from meetings.urls import external_url

# The workflow of an announcement: (from, to). Both ends are a fund administrator's.
TRANSITIONS: frozenset[tuple[A, A]] = frozenset({(A.WAITING, A.CONFIRMED), (A.WAITING, A.DECLINED)})


@dataclass(frozen=True)
class AnnouncementData:
    donor_kind: DonorKind
    contact_name: str
    email: str
    amount: Money
    state_id: int | None = None
    donor_name: str = ""
    expected_on: date | None = None
    earmark_meeting_id: int | None = None
    note: str = ""


def _check_move(announcement: PledgeAnnouncement, target: A) -> None:
    if (announcement.status, target) not in TRANSITIONS:
        raise DomainError(_("This announcement has been dealt with already."))


def _move(actor: User, announcement: PledgeAnnouncement, target: A) -> None:
    _check_move(announcement, target)
    announcement.status = target
    announcement.decided_by_id = actor.id
    announcement.decided_at = clock.now()


def announce(actor: User | None, data: AnnouncementData) -> PledgeAnnouncement:
    """Record what a donor announced, tell the fund administrators and thank the donor."""
    pledges.check_amount(data.amount)
    contact = data.contact_name.strip()
    if not contact:
        raise DomainError(_("Enter your name."), field="contact_name")
    email = accounts.normalise_email(data.email)
    if "@" not in email or len(email) > 254:
        raise DomainError(_("Enter an e-mail address like name@example.org."), field="email")
    state = None
    name = data.donor_name.strip()
    if data.donor_kind is DonorKind.GOVERNMENT:
        state = db.session.get(State, data.state_id) if data.state_id else None
        if state is None:
            raise DomainError(_("Choose the State."), field="state_id")
        name = state.name
    elif data.donor_kind is DonorKind.ORGANISATION and not name:
        raise DomainError(_("Enter the organization's name."), field="donor_name")
    elif data.donor_kind is DonorKind.PERSON:
        name = name or contact
    if data.expected_on is not None and data.expected_on < clock.now().date():
        raise DomainError(_("The date you expect to pay cannot be past."), field="expected_on")
    if data.earmark_meeting_id and db.session.get(Meeting, data.earmark_meeting_id) is None:
        raise DomainError(_("Choose a meeting from the list."), field="earmark_meeting_id")
    earlier = db.session.scalar(
        sa.select(PledgeAnnouncement).where(
            PledgeAnnouncement.email == email,
            PledgeAnnouncement.amount_minor == data.amount.amount,
            PledgeAnnouncement.currency == data.amount.currency,
            PledgeAnnouncement.status == A.WAITING,
        )
    )
    if earlier is not None:
        raise DomainError(
            _(
                "You announced this pledge already; the fund administrators will write to you "
                "at %(email)s.",
                email=email,
            ),
            field="amount",
        )
    announcement = PledgeAnnouncement(
        donor_kind=data.donor_kind,
        state_id=state.id if state else None,
        donor_name=name[:200],
        contact_name=contact[:200],
        email=email,
        amount=data.amount,
        expected_on=data.expected_on,
        earmark_meeting_id=data.earmark_meeting_id,
        note=data.note.strip()[:2000],
        announced_by_id=actor.id if actor else None,
    )
    db.session.add(announcement)
    db.session.flush()
    record(actor, "pledge_announcement.created", announcement, after={"amount": str(data.amount)})
    _tell_administrators(announcement)
    _tell_donor(announcement, "mail/fund_announcement_received.txt")
    return announcement


def waiting(actor: User) -> list[PledgeAnnouncement]:
    require(actor, Permission.MANAGE_FUND)
    return list(
        db.session.scalars(
            sa.select(PledgeAnnouncement)
            .where(PledgeAnnouncement.status == A.WAITING)
            .order_by(PledgeAnnouncement.id)
        )
    )


def get_announcement(actor: User, announcement_id: int) -> PledgeAnnouncement:
    require(actor, Permission.MANAGE_FUND)
    found = db.session.scalar(
        sa.select(PledgeAnnouncement)
        .where(PledgeAnnouncement.id == announcement_id)
        .with_for_update(of=PledgeAnnouncement)
    )
    if found is None:
        raise NotFound(_("There is no such announcement."))
    return found


def matching_donor(announcement: PledgeAnnouncement) -> Donor | None:
    """The donor the announcement most likely names: the government of its State, or a donor
    of the same kind and name, or with its e-mail address."""
    if announcement.state_id is not None:
        return db.session.scalar(sa.select(Donor).where(Donor.state_id == announcement.state_id))
    return db.session.scalar(
        sa.select(Donor)
        .where(
            Donor.kind == announcement.donor_kind,
            sa.or_(
                sa.func.lower(Donor.name) == announcement.donor_name.lower(),
                Donor.email == announcement.email,
            ),
        )
        .order_by(Donor.id)
        .limit(1)
    )


def confirm(actor: User, announcement: PledgeAnnouncement, donor_id: int | None) -> Pledge:
    """Record the announced pledge for ``donor_id``, or for a donor made from the announcement."""
    require(actor, Permission.MANAGE_FUND)
    _check_move(announcement, A.CONFIRMED)
    if donor_id is not None:
        donor = donors.donor_by_id(actor, donor_id)
    elif announcement.state_id is not None:
        state = db.session.get(State, announcement.state_id)
        assert state is not None
        donor = donors.get_or_create_government(state)
    else:
        donor = donors.create_donor(
            actor,
            donors.DonorData(
                kind=announcement.donor_kind,
                name=announcement.donor_name,
                email=announcement.email,
            ),
        )
    note = _(
        "Announced online by %(name)s (%(email)s).",
        name=announcement.contact_name,
        email=announcement.email,
    )
    pledge = pledges.record_pledge(
        actor,
        donor,
        pledges.PledgeData(
            amount=announcement.amount,
            pledged_on=announcement.created_at.date(),
            earmark_meeting_id=announcement.earmark_meeting_id,
            note=" ".join(part for part in (note, announcement.note) if part),
        ),
    )
    announcement.pledge_id = pledge.id
    _move(actor, announcement, A.CONFIRMED)
    db.session.flush()
    record(actor, "pledge_announcement.confirmed", announcement, after={"pledge": pledge.id})
    _tell_donor(announcement, "mail/fund_announcement_decided.txt")
    return pledge


def decline(actor: User, announcement: PledgeAnnouncement, reason: str) -> None:
    require(actor, Permission.MANAGE_FUND)
    if not reason.strip():
        raise DomainError(_("Say why, for the person who announced it."), field="reason")
    _move(actor, announcement, A.DECLINED)
    announcement.decision_reason = reason.strip()[:2000]
    db.session.flush()
    record(actor, "pledge_announcement.declined", announcement, reason=announcement.decision_reason)
    _tell_donor(announcement, "mail/fund_announcement_decided.txt")


def _tell_administrators(announcement: PledgeAnnouncement) -> None:
    addresses = db.session.scalars(
        sa.select(User.email)
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(RoleAssignment.role == Role.FUND_ADMINISTRATOR, User.active)
        .order_by(User.email)
    )
    link = external_url("fund_manage.pledge_list")
    for address in addresses:
        mail.send(
            address,
            lambda: _("A pledge was announced online: %(donor)s", donor=announcement.display_name),
            "mail/fund_announcement_waiting.txt",
            announcement=announcement,
            link=link,
        )


def _tell_donor(announcement: PledgeAnnouncement, template: str) -> None:
    mail.send(
        announcement.email,
        lambda: _("Your pledge to the sponsorship fund"),
        template,
        announcement=announcement,
        link=external_url("fund.contribute"),
    )
