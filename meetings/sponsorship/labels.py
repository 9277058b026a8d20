"""How sponsorship values are named on screen (translatable)."""

from flask_babel import lazy_gettext as _l

from meetings.labels import labels
from meetings.sponsorship.models import ApplicationStatus as S
from meetings.sponsorship.models import Eligibility

ELIGIBILITY_LABELS = labels(
    Eligibility,
    {
        Eligibility.LDC_ONLY: _l("Least developed countries only"),
        Eligibility.DEVELOPING_LDC_FIRST: _l("Developing States, least developed countries first"),
    },
)

STATUS_LABELS = labels(
    S,
    {
        S.DRAFT: _l("Draft"),
        S.SUBMITTED: _l("Submitted"),
        S.INCOMPLETE: _l("Incomplete: information asked for"),
        S.ELIGIBLE: _l("Eligible"),
        S.UNDER_REVIEW: _l("Under review"),
        S.OFFERED: _l("Offered"),
        S.ACCEPTED: _l("Accepted"),
        S.DECLINED: _l("Declined"),
        S.EXPIRED: _l("Offer expired"),
        S.TRAVEL_BOOKED: _l("Travel booked"),
        S.ATTENDED: _l("Attended"),
        S.NO_SHOW: _l("Did not attend"),
        S.SETTLED: _l("Settled"),
        S.REJECTED: _l("Rejected"),
        S.WITHDRAWN: _l("Withdrawn"),
        S.CANCELLED: _l("Cancelled"),
    },
)

# The words on the buttons that make each move.
ACTION_LABELS = labels(
    S,
    {
        S.SUBMITTED: _l("Submit application"),
        S.INCOMPLETE: _l("Ask for more information"),
        S.ELIGIBLE: _l("Mark eligible"),
        S.UNDER_REVIEW: _l("Start review"),
        S.ACCEPTED: _l("Accept the offer"),
        S.DECLINED: _l("Decline the offer"),
        S.ATTENDED: _l("Record attendance"),
        S.NO_SHOW: _l("Record that the nominee did not attend"),
        S.SETTLED: _l("Settle"),
        S.REJECTED: _l("Reject"),
        S.WITHDRAWN: _l("Withdraw the application"),
        S.CANCELLED: _l("Cancel the sponsorship"),
    },
    kind="action",
    complete=False,
)
