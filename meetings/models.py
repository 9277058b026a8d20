"""Imports every feature's models so that metadata (and Alembic) sees every table."""

from meetings.audit.models import AuditEntry
from meetings.auth.models import RoleAssignment, User
from meetings.reference.models import Currency, Organisation, RegionalGroup, State
from meetings.schedule.models import Meeting, Process, Room, Sitting, StarredSitting

__all__ = [
    "AuditEntry",
    "Currency",
    "Meeting",
    "Organisation",
    "Process",
    "RegionalGroup",
    "RoleAssignment",
    "Room",
    "Sitting",
    "StarredSitting",
    "State",
    "User",
]
