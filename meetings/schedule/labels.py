"""How schedule values are named on screen (translatable)."""

from flask_babel import lazy_gettext as _l

from meetings.labels import labels
from meetings.schedule.models import (
    MeetingFormat,
    MeetingKind,
    MeetingState,
    SittingKind,
    SittingStatus,
)

SITTING_KIND_LABELS = labels(
    SittingKind,
    {
        SittingKind.PLENARY: _l("Plenary"),
        SittingKind.INFORMAL_CONSULTATIONS: _l("Informal consultations"),
        SittingKind.SIDE_EVENT: _l("Side event"),
        SittingKind.OTHER: _l("Other"),
    },
)

SITTING_STATUS_LABELS = labels(
    SittingStatus,
    {
        SittingStatus.SCHEDULED: _l("Scheduled"),
        SittingStatus.CANCELLED: _l("Cancelled"),
    },
)

MEETING_STATE_LABELS = labels(
    MeetingState,
    {
        MeetingState.PLANNED: _l("Planned"),
        MeetingState.REGISTRATION_OPEN: _l("Registration open"),
        MeetingState.REGISTRATION_CLOSED: _l("Registration closed"),
        MeetingState.IN_SESSION: _l("In session"),
        MeetingState.CONCLUDED: _l("Concluded"),
    },
)

MEETING_KIND_LABELS = labels(
    MeetingKind,
    {
        MeetingKind.PREPARATORY_COMMITTEE: _l("Preparatory Committee"),
        MeetingKind.REVIEW_CONFERENCE: _l("Review Conference"),
        MeetingKind.BIENNIAL_MEETING: _l("Biennial Meeting of States"),
        MeetingKind.EXPERT_GROUP: _l("Meeting of governmental experts"),
        MeetingKind.REGIONAL_MEETING: _l("Regional meeting"),
        MeetingKind.OTHER: _l("Other meeting"),
    },
)

MEETING_FORMAT_LABELS = labels(
    MeetingFormat,
    {
        MeetingFormat.IN_PERSON: _l("In person"),
        MeetingFormat.HYBRID: _l("Hybrid"),
        MeetingFormat.VIRTUAL: _l("Virtual"),
    },
)
