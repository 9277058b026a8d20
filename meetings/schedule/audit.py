"""The schedule's records in the audit log: read by those who manage the schedule."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask
from flask_babel import lazy_gettext as _l

from meetings.audit.subjects import Subject, add_subjects, through
from meetings.auth.permissions import Permission
from meetings.schedule.models import Meeting


def add_audit_subjects(app: Flask) -> None:
    add_subjects(
        app,
        Subject("process", _l("Process"), Permission.MANAGE_SCHEDULE),
        Subject(
            "meeting",
            _l("Meeting"),
            Permission.MANAGE_SCHEDULE,
            resolve=through(
                lambda: sa.select(Meeting.id.label("id"), Meeting.code.label("code")),
                Meeting.id,
                "schedule_manage.meeting",
            ),
        ),
        Subject(
            "sitting",
            _l("Sitting"),
            Permission.MANAGE_SCHEDULE,
            endpoint="schedule_manage.edit_sitting",
            argument="sitting_id",
        ),
        Subject(
            "room",
            _l("Room"),
            Permission.MANAGE_SCHEDULE,
            endpoint="schedule_manage.edit_room",
            argument="room_id",
        ),
    )
