"""The register of assistance needs and offers stated in national reports (resolution 72/57,
paragraphs 11–13): donors and fund administrators find needs by area, region and State, see who
offered help in the same area, and mark their interest, which the State's focal point sees.
A confidential report's needs stay with the State and the secretariat."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from meetings import clock
from meetings.audit.services import record
from meetings.auth.models import User
from meetings.auth.permissions import Permission, acts_for, has_permission
from meetings.errors import DomainError, NotFound, PermissionDenied
from meetings.extensions import db
from meetings.reference.models import RegionalGroup, State
from meetings.reporting.models import (
    AssistanceInterest,
    AssistanceItem,
    AssistanceKind,
    NationalReport,
)
from meetings.reporting.template_files import Form

READERS = (Permission.CONTRIBUTE, Permission.MANAGE_FUND, Permission.MANAGE_REPORTING)


def register_from(report: NationalReport, form: Form) -> list[AssistanceItem]:
    """The needs and offers of a submitted report replace those of its earlier versions."""
    db.session.execute(
        sa.update(AssistanceItem)
        .where(
            AssistanceItem.state_id == report.state_id,
            AssistanceItem.report_id.in_(
                sa.select(NationalReport.id).where(
                    NationalReport.cycle_id == report.cycle_id,
                    NationalReport.state_id == report.state_id,
                    NationalReport.id != report.id,
                )
            ),
        )
        .values(current=False)
    )
    items = []
    for question in form.questions.values():
        if question.kind != "assistance":
            continue
        for entry in report.answers.get(question.id) or []:
            item = AssistanceItem(
                report_id=report.id,
                state_id=report.state_id,
                kind=AssistanceKind(entry["kind"]),
                area=entry["area"],
                description=entry["description"],
                estimated_cost_minor=entry.get("cost"),
                public=report.public,
                current=True,
            )
            db.session.add(item)
            items.append(item)
    db.session.flush()
    return items


def may_read(viewer: User | None) -> bool:
    return viewer is not None and any(has_permission(viewer, p) for p in READERS)


def sees_confidential(viewer: User) -> bool:
    return has_permission(viewer, Permission.MANAGE_REPORTING)


@dataclass(frozen=True)
class Filters:
    kind: AssistanceKind | None = AssistanceKind.NEED
    area: str | None = None
    region_id: int | None = None
    state_id: int | None = None


def _visible_to(viewer: User) -> sa.ColumnElement[bool]:
    if sees_confidential(viewer):
        return sa.true()
    return AssistanceItem.public.is_(True)


def search(viewer: User, filters: Filters, *, limit: int = 200) -> list[AssistanceItem]:
    """Current needs or offers the viewer may see, filtered; the most recent report first."""
    if not may_read(viewer):
        raise PermissionDenied(_("You do not have permission to do this."))
    query = (
        sa.select(AssistanceItem)
        .join(State, State.id == AssistanceItem.state_id)
        .where(AssistanceItem.current.is_(True), _visible_to(viewer))
        .order_by(State.name, AssistanceItem.id)
        .limit(limit)
    )
    if filters.kind is not None:
        query = query.where(AssistanceItem.kind == filters.kind)
    if filters.area:
        query = query.where(AssistanceItem.area == filters.area)
    if filters.region_id:
        query = query.where(State.regional_group_id == filters.region_id)
    if filters.state_id:
        query = query.where(AssistanceItem.state_id == filters.state_id)
    return list(db.session.scalars(query))


def filter_choices() -> tuple[dict[str, dict[str, str]], list[RegionalGroup], list[State]]:
    """The areas (in six languages, from the latest template), regional groups and States the
    register is filtered by."""
    from meetings.reporting.template_files import latest

    template = latest()
    areas = {
        area["id"]: area["text"]
        for area in (template.definition if template else {}).get("assistance_areas", [])
    }
    regions = db.session.scalars(sa.select(RegionalGroup).order_by(RegionalGroup.name)).all()
    states = db.session.scalars(sa.select(State).order_by(State.name)).all()
    return areas, list(regions), list(states)


def offers_by_area(viewer: User) -> dict[str, list[str]]:
    """For each area, the States that offered help in it (as the viewer may see), by name in
    the reader's language."""
    rows = db.session.execute(
        sa.select(AssistanceItem.area, State)
        .join(State, State.id == AssistanceItem.state_id)
        .where(
            AssistanceItem.kind == AssistanceKind.OFFER,
            AssistanceItem.current.is_(True),
            _visible_to(viewer),
        )
        .order_by(AssistanceItem.area, State.name)
    ).all()
    found: dict[str, list[str]] = {}
    for area, state in rows:
        names = found.setdefault(area, [])
        if state.display_name not in names:
            names.append(state.display_name)
    return found


def mark_interest(actor: User, item_id: int, note: str = "") -> AssistanceInterest:
    """A donor (or the fund) is interested in a need; once per person and need."""
    if not (
        has_permission(actor, Permission.CONTRIBUTE)
        or has_permission(actor, Permission.MANAGE_FUND)
    ):
        raise PermissionDenied(_("You do not have permission to do this."))
    item = db.session.get(AssistanceItem, item_id)
    if item is None or not item.current or not (item.public or sees_confidential(actor)):
        raise NotFound(_("There is no such need."))
    if item.kind is not AssistanceKind.NEED:
        raise DomainError(_("Interest is shown in a need, not in an offer."))
    exists = db.session.scalar(
        sa.select(AssistanceInterest).where(
            AssistanceInterest.item_id == item.id, AssistanceInterest.user_id == actor.id
        )
    )
    if exists is not None:
        raise DomainError(_("You have already shown interest in this need."))
    interest = AssistanceInterest(
        item_id=item.id, user_id=actor.id, note=note.strip()[:2000], created_at=clock.now()
    )
    db.session.add(interest)
    db.session.flush()
    record(actor, "assistance_interest.created", interest, after={"item_id": item.id})
    return interest


def interests_in_my_needs(
    actor: User, state_id: int
) -> list[tuple[AssistanceItem, AssistanceInterest, User]]:
    """Who showed interest in the needs of the focal point's State."""
    if not acts_for(actor, state_id=state_id):
        raise PermissionDenied(_("You do not have permission to do this."))
    return [
        (item, interest, user)
        for item, interest, user in db.session.execute(
            sa.select(AssistanceItem, AssistanceInterest, User)
            .join(AssistanceInterest, AssistanceInterest.item_id == AssistanceItem.id)
            .join(User, User.id == AssistanceInterest.user_id)
            .where(AssistanceItem.state_id == state_id, AssistanceItem.current.is_(True))
            .order_by(AssistanceInterest.created_at.desc())
        ).tuples()
    ]
