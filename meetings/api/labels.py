"""How the API's values are named on screen (translatable)."""

from flask_babel import lazy_gettext as _l

from meetings.api.models import Scope
from meetings.labels import labels

SCOPE_LABELS = labels(
    Scope,
    {
        Scope.READ: _l("Read: registrations, check-ins, your national reports"),
        Scope.REGISTRATIONS: _l("Registrations: register and approve your delegation"),
        Scope.REPORTS: _l("National reports: your State's reports for each cycle"),
        Scope.FUND: _l("Fund: contributions and receipts, applications, the ledger"),
    },
)
