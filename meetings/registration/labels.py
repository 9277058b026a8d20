"""How registration values are named on screen (translatable)."""

from flask_babel import lazy_gettext as _l

from meetings.labels import labels
from meetings.registration.models import (
    BasedIn,
    CredentialsStatus,
    DelegationRole,
    Gender,
    ParticipantCategory,
    RegistrationStatus,
)

STATUS_LABELS = labels(
    RegistrationStatus,
    {
        RegistrationStatus.DRAFT: _l("draft"),
        RegistrationStatus.SUBMITTED: _l("submitted"),
        RegistrationStatus.APPROVED: _l("approved by the focal point"),
        RegistrationStatus.ACCREDITED: _l("accredited"),
        RegistrationStatus.REJECTED: _l("rejected"),
        RegistrationStatus.WITHDRAWN: _l("withdrawn"),
        RegistrationStatus.CANCELLED: _l("cancelled"),
    },
)

# What the button that makes each move says.
ACTION_LABELS = labels(
    RegistrationStatus,
    {
        RegistrationStatus.DRAFT: _l("Reopen"),
        RegistrationStatus.SUBMITTED: _l("Submit"),
        RegistrationStatus.APPROVED: _l("Approve"),
        RegistrationStatus.ACCREDITED: _l("Accredit"),
        RegistrationStatus.REJECTED: _l("Reject"),
        RegistrationStatus.WITHDRAWN: _l("Withdraw"),
        RegistrationStatus.CANCELLED: _l("Cancel registration"),
    },
    kind="action",
    complete=False,
)

CATEGORY_LABELS = labels(
    ParticipantCategory,
    {
        ParticipantCategory.MEMBER_STATE: _l("Member State"),
        ParticipantCategory.OBSERVER_STATE: _l("Observer State"),
        ParticipantCategory.IGO: _l("Intergovernmental organization"),
        ParticipantCategory.UN_ENTITY: _l("United Nations entity"),
        ParticipantCategory.NGO: _l("Non-governmental organization"),
        ParticipantCategory.MEDIA: _l("Media"),
    },
)

ROLE_LABELS = labels(
    DelegationRole,
    {
        DelegationRole.HEAD: _l("Head of delegation"),
        DelegationRole.ALTERNATE: _l("Alternate"),
        DelegationRole.ADVISER: _l("Adviser"),
        DelegationRole.REPRESENTATIVE: _l("Representative"),
    },
)

GENDER_LABELS = labels(
    Gender,
    {
        Gender.FEMALE: _l("Female"),
        Gender.MALE: _l("Male"),
        Gender.OTHER: _l("Other"),
        Gender.UNDISCLOSED: _l("Prefer not to say"),
    },
)

BASED_IN_LABELS = labels(
    BasedIn,
    {
        BasedIn.CAPITAL: _l("Capital-based"),
        BasedIn.MISSION: _l("Mission-based"),
    },
)

CREDENTIALS_LABELS = labels(
    CredentialsStatus,
    {
        CredentialsStatus.NONE: _l("none"),
        CredentialsStatus.COPY_RECEIVED: _l("copy received"),
        CredentialsStatus.ORIGINAL_RECEIVED: _l("original received"),
        CredentialsStatus.ACCEPTED: _l("accepted"),
    },
)
