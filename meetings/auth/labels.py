"""How account values are named on screen (translatable)."""

from flask_babel import lazy_gettext as _l

from meetings.auth.models import Role
from meetings.labels import labels

ROLE_LABELS = labels(
    Role,
    {
        Role.DELEGATE: _l("Delegate"),
        Role.FOCAL_POINT: _l("Focal point"),
        Role.SECRETARIAT: _l("Secretariat"),
        Role.FUND_ADMINISTRATOR: _l("Fund administrator"),
        Role.DONOR: _l("Donor"),
        Role.ADMIN: _l("Administrator"),
    },
)
