"""Sponsorship's records in the audit log: read by those who review sponsorship."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask
from flask_babel import lazy_gettext as _l

from meetings.audit.subjects import Subject, add_subjects, through
from meetings.auth.permissions import Permission
from meetings.sponsorship.models import Award, Review

REVIEW = Permission.REVIEW_SPONSORSHIP
APPLICATION = "sponsorship_manage.application"


def add_audit_subjects(app: Flask) -> None:
    add_subjects(
        app,
        Subject(
            "sponsorship_call",
            _l("Sponsorship call"),
            REVIEW,
            endpoint="sponsorship_manage.call",
            argument="call_id",
        ),
        Subject(
            "sponsorship_application",
            _l("Sponsorship application"),
            REVIEW,
            endpoint=APPLICATION,
            argument="application_id",
        ),
        Subject(
            "sponsorship_review",
            _l("Sponsorship review"),
            REVIEW,
            resolve=through(
                lambda: sa.select(
                    Review.id.label("id"), Review.application_id.label("application_id")
                ),
                Review.id,
                APPLICATION,
            ),
        ),
        Subject(
            "sponsorship_award",
            _l("Sponsorship award"),
            REVIEW,
            resolve=through(
                lambda: sa.select(
                    Award.id.label("id"), Award.application_id.label("application_id")
                ),
                Award.id,
                APPLICATION,
            ),
        ),
        Subject("sponsorship_award_increase", _l("Award increase"), REVIEW),
        Subject("dsa_rate", _l("DSA rate"), REVIEW),
    )
