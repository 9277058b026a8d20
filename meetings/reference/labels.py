"""How reference values are named on screen (translatable)."""

from flask_babel import lazy_gettext as _l

from meetings.labels import labels
from meetings.reference.models import OrganisationKind, UNStatus

ORGANISATION_KIND_LABELS = labels(
    OrganisationKind,
    {
        OrganisationKind.IGO: _l("Intergovernmental organization"),
        OrganisationKind.UN_ENTITY: _l("United Nations entity"),
        OrganisationKind.NGO: _l("Non-governmental organization"),
        OrganisationKind.MEDIA: _l("Media"),
    },
)

UN_STATUS_LABELS = labels(
    UNStatus,
    {
        UNStatus.MEMBER: _l("Member State"),
        UNStatus.OBSERVER: _l("Observer State"),
    },
)
