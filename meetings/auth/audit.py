"""Accounts in the audit log: read by administrators only (they carry personal data)."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from meetings.audit.subjects import Subject, add_subjects
from meetings.auth.permissions import Permission


def add_audit_subjects(app: Flask) -> None:
    add_subjects(
        app,
        Subject(
            "user",
            _l("Account"),
            Permission.MANAGE_USERS,
            endpoint="auth_manage.detail",
            argument="user_id",
        ),
        Subject("role_assignment", _l("Role"), Permission.MANAGE_USERS),
    )
