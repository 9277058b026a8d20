"""Donors and the accounts that act for them."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from meetings.audit.services import record
from meetings.auth import services as accounts
from meetings.auth.models import Role, User
from meetings.auth.permissions import Permission, has_permission, require
from meetings.errors import DomainError, NotFound
from meetings.extensions import db
from meetings.fund.models import Donor, DonorAccount, DonorKind
from meetings.reference.models import Organisation, State


@dataclass(frozen=True)
class DonorData:
    kind: DonorKind
    name: str = ""
    state_id: int | None = None
    organisation_id: int | None = None
    email: str = ""
    is_anonymous: bool = False


def _values(data: DonorData) -> dict[str, object]:
    email = accounts.normalise_email(data.email) if data.email else None
    if email and "@" not in email:
        raise DomainError(_("Enter an e-mail address like name@example.org."), field="email")
    if data.kind is DonorKind.GOVERNMENT:
        state = db.session.get(State, data.state_id) if data.state_id else None
        if state is None:
            raise DomainError(_("Choose the State."), field="state_id")
        return {
            "kind": data.kind,
            "name": state.name,
            "state_id": state.id,
            "organisation_id": None,
            "email": email,
            "is_anonymous": data.is_anonymous,
        }
    organisation = None
    if data.kind is DonorKind.ORGANISATION and data.organisation_id:
        organisation = db.session.get(Organisation, data.organisation_id)
    name = (organisation.name if organisation else data.name).strip()
    if not name:
        raise DomainError(_("Enter the donor's name."), field="name")
    if len(name) > 200:
        raise DomainError(_("Use at most 200 characters."), field="name")
    return {
        "kind": data.kind,
        "name": name,
        "state_id": None,
        "organisation_id": organisation.id if organisation else None,
        "email": email,
        "is_anonymous": data.is_anonymous,
    }


def create_donor(actor: User | None, data: DonorData) -> Donor:
    if actor is not None:
        require(actor, Permission.MANAGE_FUND)
    values = _values(data)
    if values["state_id"] is not None and db.session.scalar(
        sa.select(Donor.id).where(Donor.state_id == values["state_id"])
    ):
        raise DomainError(_("This government is already a donor."), field="state_id")
    donor = Donor(**values)
    db.session.add(donor)
    db.session.flush()
    record(actor, "donor.created", donor, after={"kind": donor.kind, "name": donor.name})
    return donor


def get_or_create_government(state: State) -> Donor:
    """The donor that is ``state``'s government (demo data, imports)."""
    donor = db.session.scalar(sa.select(Donor).where(Donor.state_id == state.id))
    return donor or create_donor(None, DonorData(kind=DonorKind.GOVERNMENT, state_id=state.id))


def guest_donor(name: str, email: str, *, anonymous: bool) -> Donor:
    """A person who gives online without an account: a donor of their own."""
    return create_donor(
        None, DonorData(kind=DonorKind.PERSON, name=name, email=email, is_anonymous=anonymous)
    )


def donors(actor: User) -> list[Donor]:
    require(actor, Permission.MANAGE_FUND)
    return list(db.session.scalars(sa.select(Donor).order_by(Donor.name)))


def donor_by_id(actor: User, donor_id: int) -> Donor:
    """A donor a fund administrator manages, or the donor the user acts for."""
    donor = db.session.get(Donor, donor_id)
    if donor is None or not can_see_donor(actor, donor):
        raise NotFound(_("There is no such donor."))
    return donor


def donor_of(user: User | None) -> Donor | None:
    """The donor ``user`` acts for, if any."""
    if user is None:
        return None
    link = db.session.get(DonorAccount, user.id)
    return link.donor if link is not None else None


def can_see_donor(actor: User | None, donor: Donor) -> bool:
    if has_permission(actor, Permission.MANAGE_FUND):
        return True
    own = donor_of(actor)
    return own is not None and own.id == donor.id


def link_account(actor: User, donor: Donor, email: str) -> User:
    """Let the account with ``email`` act for ``donor`` (and hold the donor role)."""
    require(actor, Permission.MANAGE_FUND)
    user = accounts.user_by_email(email)
    if user is None or not user.is_verified:
        raise DomainError(
            _("There is no account with a confirmed address like this one."), field="email"
        )
    link = db.session.get(DonorAccount, user.id)
    if link is not None and link.donor_id != donor.id:
        raise DomainError(_("This account already acts for another donor."), field="email")
    if link is None:
        db.session.add(DonorAccount(user_id=user.id, donor_id=donor.id, linked_by_id=actor.id))
    if not user.has_role(Role.DONOR):
        accounts.grant_role(None, user, Role.DONOR)
    db.session.flush()
    record(actor, "donor.account_linked", donor, after={"user": user.email})
    return user


def accounts_of(donor: Donor) -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .join(DonorAccount, DonorAccount.user_id == User.id)
            .where(DonorAccount.donor_id == donor.id)
            .order_by(User.full_name)
        )
    )
