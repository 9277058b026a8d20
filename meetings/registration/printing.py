"""Printing grounds passes in batches: the secretariat selects registrations (by hand, or every
accredited one of a meeting not printed yet) and prints them in one document. Each pass printed
is marked, with the time of its first printing and how many times it has been printed since, so
that a reprint (a lost pass, a misprint) is counted and seen."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from meetings import clock
from meetings.audit.services import record
from meetings.auth.models import User
from meetings.auth.permissions import Permission, require
from meetings.db import UTCDateTime
from meetings.errors import DomainError
from meetings.extensions import db
from meetings.labels import label
from meetings.registration.badges import check_in_token, display_code, give_badge_code, qr_svg
from meetings.registration.models import Delegation, Registration, RegistrationStatus

# One document holds at most this many passes (a print run of a large conference is split).
MAX_BATCH = 300


@dataclass(frozen=True)
class PrintedPass:
    registration: Registration
    code: str
    qr: str
    reprint: bool


@dataclass(frozen=True)
class PrintBatch:
    passes: list[PrintedPass]
    skipped: list[str]


def unprinted(actor: User, meeting_id: int) -> list[int]:
    """The accredited registrations of a meeting whose pass has never been printed."""
    require(actor, Permission.MANAGE_REGISTRATIONS)
    return list(
        db.session.scalars(
            sa.select(Registration.id)
            .where(
                Registration.meeting_id == meeting_id,
                Registration.status == RegistrationStatus.ACCREDITED,
                Registration.badge_printed_at.is_(None),
            )
            .order_by(Registration.family_name, Registration.given_names, Registration.id)
            .limit(MAX_BATCH)
        )
    )


def print_passes(actor: User, ids: list[int]) -> PrintBatch:
    """Mark the passes of ``ids`` printed (counting reprints) and return them to print. Only an
    accredited registration has a pass; one without a photo is left out, with the reason."""
    require(actor, Permission.MANAGE_REGISTRATIONS)
    if not ids:
        raise DomainError(_("Select the registrations whose passes to print."))
    if len(ids) > MAX_BATCH:
        raise DomainError(
            _("Print at most %(count)d passes at a time.", count=MAX_BATCH), field="registration"
        )
    found = list(
        db.session.scalars(
            sa.select(Registration)
            .options(
                joinedload(Registration.delegation).joinedload(Delegation.meeting),
                joinedload(Registration.meeting),
            )
            .where(Registration.id.in_(ids))
            .order_by(Registration.family_name, Registration.given_names, Registration.id)
        ).unique()
    )
    skipped: list[str] = []
    chosen: list[Registration] = []
    for registration in found:
        if registration.status is not RegistrationStatus.ACCREDITED:
            skipped.append(
                _(
                    "%(name)s: no pass, the registration is %(status)s.",
                    name=registration.full_name,
                    status=label(registration.status),
                )
            )
        elif registration.photo_id is None:
            skipped.append(_("%(name)s: no photo yet.", name=registration.full_name))
        else:
            chosen.append(registration)
    if not chosen:
        raise DomainError(" ".join([_("No pass to print."), *skipped[:5]]), field="registration")
    reprints = {r.id for r in chosen if r.badge_printed_at is not None}
    for registration in chosen:
        give_badge_code(registration)
    # One statement, so that two people printing at once both count; it returns the counts
    # it made (one round trip, not one per pass).
    counted = {
        row.id: (row.badge_print_count, row.badge_printed_at)
        for row in db.session.execute(
            sa.update(Registration)
            .where(Registration.id.in_([r.id for r in chosen]))
            .values(
                badge_print_count=Registration.badge_print_count + 1,
                badge_printed_at=sa.func.coalesce(
                    Registration.badge_printed_at, sa.literal(clock.now(), UTCDateTime())
                ),
            )
            .returning(
                Registration.id, Registration.badge_print_count, Registration.badge_printed_at
            )
            .execution_options(synchronize_session=False)
        )
    }
    for registration in chosen:
        count, printed_at = counted[registration.id]
        set_committed_value(registration, "badge_print_count", count)
        set_committed_value(registration, "badge_printed_at", printed_at)
        record(
            actor,
            "registration.pass_printed",
            registration,
            after={"printed": registration.badge_print_count},
        )
    passes = [
        PrintedPass(
            registration=r,
            code=display_code(r.badge_code or ""),
            qr=qr_svg(check_in_token(r)),
            reprint=r.id in reprints,
        )
        for r in chosen
    ]
    return PrintBatch(passes, skipped)
