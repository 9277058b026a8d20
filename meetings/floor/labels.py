"""How the floor's values are named on screen (translatable)."""

from babel import Locale
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from meetings.floor.models import InscriptionStatus, SwapStatus
from meetings.floor.order import Level, SpeakerKind
from meetings.floor.side_event_models import SideEventStatus, SlotKind
from meetings.floor.statement_models import StatementLanguage, StatementStatus
from meetings.labels import labels

LEVEL_LABELS = labels(
    Level,
    {
        Level.HEAD_OF_STATE: _l("Head of State or Government"),
        Level.MINISTER: _l("Minister"),
        Level.VICE_MINISTER: _l("Vice-Minister"),
        Level.PERMANENT_REPRESENTATIVE: _l("Permanent Representative"),
        Level.OTHER: _l("Other level"),
    },
)

KIND_LABELS = labels(
    SpeakerKind,
    {
        SpeakerKind.STATE: _l("State"),
        SpeakerKind.GROUP: _l("Group of States"),
        SpeakerKind.IGO: _l("Intergovernmental organisation"),
        SpeakerKind.UN_ENTITY: _l("United Nations entity"),
        SpeakerKind.CIVIL_SOCIETY: _l("Civil society"),
    },
)

STATUS_LABELS = labels(
    InscriptionStatus,
    {
        InscriptionStatus.WAITING: _l("Waiting"),
        InscriptionStatus.SPOKEN: _l("Has spoken"),
        InscriptionStatus.ABSENT: _l("Absent"),
        InscriptionStatus.DROPPED: _l("Dropped after two absences"),
        InscriptionStatus.WITHDRAWN: _l("Withdrawn"),
    },
)

SWAP_LABELS = labels(
    SwapStatus,
    {
        SwapStatus.PROPOSED: _l("Waiting for agreement"),
        SwapStatus.DONE: _l("Places exchanged"),
        SwapStatus.DECLINED: _l("Declined"),
        SwapStatus.WITHDRAWN: _l("Withdrawn"),
        SwapStatus.LAPSED: _l("Lapsed"),
    },
)


def _language_name(code: str) -> LazyString:
    """An official language's name in the reader's language, from the CLDR (Babel): the
    catalogues keep "English" for the language switcher, in each language's own name."""

    def name() -> str:
        return str(Locale.parse(code).get_display_name(str(get_locale() or "en")))

    return LazyString(name)


LANGUAGE_LABELS = labels(
    StatementLanguage, {language: _language_name(language.value) for language in StatementLanguage}
)

STATEMENT_LABELS = labels(
    StatementStatus,
    {
        StatementStatus.UPLOADED: _l("Not yet delivered"),
        StatementStatus.DELIVERED: _l("Delivered"),
        StatementStatus.WITHDRAWN: _l("Withdrawn"),
    },
)

SLOT_LABELS = labels(
    SlotKind,
    {
        SlotKind.MORNING: _l("Morning"),
        SlotKind.LUNCHTIME: _l("Lunchtime"),
        SlotKind.EVENING: _l("Evening"),
    },
)

SIDE_EVENT_LABELS = labels(
    SideEventStatus,
    {
        SideEventStatus.REQUESTED: _l("Requested"),
        SideEventStatus.PROPOSED: _l("Another slot proposed"),
        SideEventStatus.APPROVED: _l("Approved"),
        SideEventStatus.DECLINED: _l("Declined"),
        SideEventStatus.WITHDRAWN: _l("Withdrawn"),
        SideEventStatus.CANCELLED: _l("Cancelled"),
    },
)
