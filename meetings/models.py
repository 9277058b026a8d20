"""Imports every feature's models so that metadata (and Alembic) sees every table."""

from meetings.audit.models import AuditEntry
from meetings.auth.models import RoleAssignment, User
from meetings.reference.models import Currency, Organisation, RegionalGroup, State
from meetings.registration.models import Delegation, Document, ParticipationCap, Registration
from meetings.schedule.models import Meeting, Process, Room, Sitting, StarredSitting

__all__ = [
    "AuditEntry",
    "Currency",
    "Delegation",
    "Document",
    "Meeting",
    "Organisation",
    "ParticipationCap",
    "Process",
    "RegionalGroup",
    "Registration",
    "RoleAssignment",
    "Room",
    "Sitting",
    "StarredSitting",
    "State",
    "User",
]
