"""The directory of national points of contact (resolution 72/57, paragraph 3): per State and
role, kept by the State's focal point (audited), filled from a submitted report when the State
agrees, read by the secretariat and, where the State chose to publish, by everyone. A contact
not confirmed for a year is due a reminder."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from meetings import clock
from meetings.audit.services import record
from meetings.auth.models import User
from meetings.auth.permissions import Permission, acts_for, has_permission
from meetings.errors import DomainError, NotFound, PermissionDenied
from meetings.extensions import db
from meetings.reference.models import State
from meetings.reporting.answers import CONTACT_FIELDS, EMAIL
from meetings.reporting.models import ContactRole, NationalReport, PointOfContact
from meetings.reporting.template_files import Form

CONFIRM_EVERY = timedelta(days=365)


@dataclass(frozen=True)
class ContactData:
    name: str
    function: str = ""
    organisation: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    languages: str = ""
    public: bool = False


def _clean(data: ContactData) -> dict[str, object]:
    values: dict[str, object] = {
        field: str(getattr(data, field) or "").strip() for field in CONTACT_FIELDS
    }
    if not values["name"]:
        raise DomainError(_("Enter the name of the point of contact."), field="name")
    email = str(values["email"])
    if email and not EMAIL.fullmatch(email):
        raise DomainError(_("Enter an e-mail address like name@example.org."), field="email")
    limits = {"name": 200, "function": 200, "organisation": 300, "phone": 60, "email": 254}
    for field, limit in limits.items():
        if len(str(values[field])) > limit:
            raise DomainError(_("Use at most %(n)d characters.", n=limit), field=field)
    values["public"] = bool(data.public)
    return values


def _keeper(actor: User, state_id: int) -> None:
    if not acts_for(actor, state_id=state_id):
        raise PermissionDenied(_("Only the State's focal point keeps its points of contact."))


def save(actor: User | None, state_id: int, role: ContactRole, data: ContactData) -> PointOfContact:
    """Create or change the State's point of contact for ``role``; confirmed as of now."""
    if actor is not None:
        _keeper(actor, state_id)
    values = _clean(data)
    contact = db.session.scalar(
        sa.select(PointOfContact)
        .where(PointOfContact.state_id == state_id, PointOfContact.role == role)
        .with_for_update(of=PointOfContact)
    )
    before = None
    if contact is None:
        contact = PointOfContact(state_id=state_id, role=role, confirmed_at=clock.now())
        db.session.add(contact)
    else:
        before = {field: getattr(contact, field) for field in (*CONTACT_FIELDS, "public")}
    for field, value in values.items():
        setattr(contact, field, value)
    contact.confirmed_at = clock.now()
    contact.reminded_at = None
    db.session.flush()
    record(actor, "point_of_contact.saved", contact, before=before, after=values)
    return contact


def remove(actor: User, contact_id: int) -> None:
    contact = db.session.get(PointOfContact, contact_id)
    if contact is None:
        raise NotFound(_("There is no such point of contact."))
    _keeper(actor, contact.state_id)
    record(actor, "point_of_contact.removed", contact, before={"name": contact.name})
    db.session.delete(contact)
    db.session.flush()


def confirm(actor: User, state_id: int) -> int:
    """The focal point says the State's contacts are still right; how many were confirmed."""
    _keeper(actor, state_id)
    found = list(
        db.session.scalars(sa.select(PointOfContact).where(PointOfContact.state_id == state_id))
    )
    for contact in found:
        contact.confirmed_at = clock.now()
        contact.reminded_at = None
        record(actor, "point_of_contact.confirmed", contact)
    db.session.flush()
    return len(found)


def fill_from_report(
    actor: User | None, report: NationalReport, form: Form
) -> list[PointOfContact]:
    """The contacts given in a submitted report become the directory's entries."""
    saved = []
    for question in form.questions.values():
        given = report.answers.get(question.id)
        if question.kind != "contact" or not given:
            continue
        data = ContactData(
            **{field: given.get(field, "") for field in CONTACT_FIELDS}, public=report.public
        )
        saved.append(save(None, report.state_id, ContactRole(question.spec["role"]), data))
    if saved and actor is not None:
        record(actor, "point_of_contact.filled_from_report", report)
    return saved


def directory(viewer: User | None, *, state_id: int | None = None) -> list[PointOfContact]:
    """The contacts the viewer may read: all for the secretariat, the State's own for its focal
    point, the published ones for everyone else; by State, then role."""
    query = sa.select(PointOfContact).join(State, State.id == PointOfContact.state_id)
    secretariat = viewer is not None and has_permission(viewer, Permission.MANAGE_REPORTING)
    own = viewer is not None and state_id is not None and acts_for(viewer, state_id=state_id)
    if not (secretariat or own):
        query = query.where(PointOfContact.public.is_(True))
    if state_id is not None:
        query = query.where(PointOfContact.state_id == state_id)
    return list(db.session.scalars(query.order_by(State.name, PointOfContact.role)))


def unconfirmed(now_moment: object | None = None) -> list[PointOfContact]:
    """Contacts not confirmed for a year and not reminded in the last 30 days."""
    moment = clock.now()
    return list(
        db.session.scalars(
            sa.select(PointOfContact).where(
                PointOfContact.confirmed_at < moment - CONFIRM_EVERY,
                sa.or_(
                    PointOfContact.reminded_at.is_(None),
                    PointOfContact.reminded_at < moment - timedelta(days=30),
                ),
            )
        )
    )
