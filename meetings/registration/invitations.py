"""Invitations: the focal point holds a place for an e-mail address; its owner completes the
registration from a signed link."""

from __future__ import annotations

from dataclasses import replace

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import joinedload

from meetings import clock, mail
from meetings.audit.services import record
from meetings.auth.models import User
from meetings.auth.services import mark_verified, normalise_email
from meetings.errors import DomainError
from meetings.extensions import db
from meetings.registration import access, rules
from meetings.registration.models import (
    Delegation,
    DelegationRole,
    Registration,
    RegistrationStatus,
)
from meetings.registration.services import ParticipantData, _create, check_chosen_role, clean
from meetings.registration.workflow import WORKFLOW, transition
from meetings.urls import external_url

INVITATION_DAYS = 14


_INVITE_SALT = "meetings.registration-invitation"


def _invitations() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_INVITE_SALT)


def invite(
    actor: User, delegation: Delegation, *, email: str, role: DelegationRole
) -> Registration:
    """A draft held for ``email``, who completes it from a signed link sent by e-mail."""
    access.require_focal_point(actor, delegation)
    check_chosen_role(role)
    meeting = delegation.meeting
    rules.check_window(actor, meeting, clock.now(), late_reason="")
    address = normalise_email(email)
    if "@" not in address:
        raise DomainError(_("Enter an e-mail address like name@example.org."), field="email")
    registration = _create(
        actor, meeting, delegation, {"email": address, "role": role}, added_on_behalf=True
    )
    db.session.flush()
    token = _invitations().dumps({"r": registration.id, "e": address})
    link = external_url("registration.accept_invitation", token=token)
    mail.send(
        address,
        lambda: _("%(meeting)s: you are invited to register", meeting=meeting.display_title),
        "mail/invitation.txt",
        # Someone without an account yet reads the language of the focal point who invites them.
        locale=mail.language_of(address, fallback=actor.locale),
        meeting=meeting,
        delegation=delegation,
        link=link,
        days=INVITATION_DAYS,
    )
    record(actor, "registration.invited", registration, after={"email": address})
    return registration


def invitation(token: str) -> Registration:
    """The draft an invitation link stands for; DomainError for a bad, old or used link."""
    try:
        data = _invitations().loads(token, max_age=INVITATION_DAYS * 86400)
    except SignatureExpired as error:
        raise DomainError(
            _("This invitation has expired. Ask your focal point for a new one.")
        ) from error
    except BadSignature as error:
        raise DomainError(_("This invitation link is not valid.")) from error
    registration = db.session.scalar(
        sa.select(Registration)
        .options(joinedload(Registration.delegation), joinedload(Registration.meeting))
        .where(Registration.id == int(data.get("r", 0)))
    )
    if (
        registration is None
        or registration.email != data.get("e")
        or registration.status is not RegistrationStatus.DRAFT
    ):
        raise DomainError(_("This invitation has already been used or withdrawn."))
    return registration


def accept_invitation(actor: User, token: str, data: ParticipantData) -> Registration:
    registration = invitation(token)
    if actor.email == registration.email:
        mark_verified(actor)  # the invitation was sent to this address and opened
    if registration.user_id not in (None, actor.id):
        raise DomainError(_("This invitation has already been used or withdrawn."))
    values = clean(replace(data, role=registration.role), current_role=registration.role)
    values["email"] = registration.email  # the invitation is for this address
    for key, value in values.items():
        setattr(registration, key, value)
    registration.user_id = actor.id
    db.session.flush()
    record(actor, "registration.invitation_accepted", registration)
    transition(actor, registration, RegistrationStatus.SUBMITTED)
    # The focal point who invited this person has chosen them: their invitation is their approval
    # (if they still act for the delegation, and are not the invitee: nobody approves themselves).
    inviter = (
        db.session.get(User, registration.created_by_id) if registration.created_by_id else None
    )
    if inviter is not None and WORKFLOW.may(inviter, registration, RegistrationStatus.APPROVED):
        transition(inviter, registration, RegistrationStatus.APPROVED)
    return registration
