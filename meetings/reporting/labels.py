"""How national reporting's values are named on screen (translatable)."""

from flask_babel import lazy_gettext as _l

from meetings.labels import labels
from meetings.reporting.models import AssistanceKind, ContactRole, Instruments, ReportStatus

INSTRUMENT_LABELS = labels(
    Instruments,
    {
        Instruments.POA: _l("Programme of Action only"),
        Instruments.ITI: _l("International Tracing Instrument only"),
        Instruments.BOTH: _l("Programme of Action and International Tracing Instrument"),
    },
)

STATUS_LABELS = labels(
    ReportStatus,
    {
        ReportStatus.DRAFT: _l("Draft"),
        ReportStatus.SUBMITTED: _l("Submitted"),
        ReportStatus.SUPERSEDED: _l("Superseded by a correction"),
    },
)

CONTACT_ROLE_LABELS = labels(
    ContactRole,
    {
        ContactRole.POA_POINT: _l("National point of contact (Programme of Action)"),
        ContactRole.POA_AGENCY: _l("National coordination agency"),
        ContactRole.ITI_POINT: _l("Point of contact (International Tracing Instrument)"),
    },
)

ASSISTANCE_KIND_LABELS = labels(
    AssistanceKind,
    {AssistanceKind.NEED: _l("Need"), AssistanceKind.OFFER: _l("Offer")},
)
