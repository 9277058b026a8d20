"""Imports every feature's models so that metadata (and Alembic) sees every table."""

from meetings.audit.models import AuditEntry
from meetings.auth.models import RoleAssignment, User
from meetings.reference.models import Currency, Organisation, RegionalGroup, State

__all__ = [
    "AuditEntry",
    "Currency",
    "Organisation",
    "RegionalGroup",
    "RoleAssignment",
    "State",
    "User",
]
