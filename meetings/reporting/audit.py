"""National reporting's records in the audit log: read by the secretariat's reporting team."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from meetings.audit.subjects import Subject, add_subjects
from meetings.auth.permissions import Permission

REPORTING = Permission.MANAGE_REPORTING


def add_audit_subjects(app: Flask) -> None:
    add_subjects(
        app,
        Subject("reporting_cycle", _l("Reporting cycle"), REPORTING),
        Subject("national_report", _l("National report"), REPORTING),
        Subject("point_of_contact", _l("National point of contact"), REPORTING),
        Subject("assistance_interest", _l("Interest in an assistance need"), REPORTING),
    )
