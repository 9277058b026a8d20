"""Delegations and registrations in the audit log: read by the secretariat."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from meetings.audit.subjects import Subject, add_subjects
from meetings.auth.permissions import Permission


def add_audit_subjects(app: Flask) -> None:
    add_subjects(
        app,
        Subject(
            "registration",
            _l("Registration"),
            Permission.MANAGE_REGISTRATIONS,
            endpoint="registration.detail",
            argument="registration_id",
        ),
        Subject(
            "delegation",
            _l("Delegation"),
            Permission.MANAGE_REGISTRATIONS,
            endpoint="registration_focal.detail",
            argument="delegation_id",
        ),
        Subject("participation_cap", _l("Participation cap"), Permission.MANAGE_REGISTRATIONS),
    )
