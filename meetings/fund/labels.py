"""How fund values are named on screen (translatable)."""

from flask_babel import lazy_gettext as _l

from meetings.fund.models import (
    AnnouncementStatus,
    ContributionStatus,
    DisputeStatus,
    DonorKind,
    EventOutcome,
    LedgerKind,
    MovementKind,
    PaymentMethod,
    PledgeStatus,
    ReferenceKind,
    RefundStatus,
)
from meetings.labels import labels

ANNOUNCEMENT_STATUS_LABELS = labels(
    AnnouncementStatus,
    {
        AnnouncementStatus.WAITING: _l("Waiting for confirmation"),
        AnnouncementStatus.CONFIRMED: _l("Recorded as a pledge"),
        AnnouncementStatus.DECLINED: _l("Declined"),
    },
)

DONOR_KIND_LABELS = labels(
    DonorKind,
    {
        DonorKind.GOVERNMENT: _l("Government"),
        DonorKind.ORGANISATION: _l("Organization"),
        DonorKind.PERSON: _l("Individual"),
    },
)

PAYMENT_METHOD_LABELS = labels(
    PaymentMethod,
    {
        PaymentMethod.STRIPE: _l("Card payment (Stripe)"),
        PaymentMethod.BANK_TRANSFER: _l("Bank transfer"),
    },
)

CONTRIBUTION_STATUS_LABELS = labels(
    ContributionStatus,
    {
        ContributionStatus.PENDING: _l("Pending"),
        ContributionStatus.RECEIVED: _l("Received"),
        ContributionStatus.PARTLY_REFUNDED: _l("Partly refunded"),
        ContributionStatus.REFUNDED: _l("Refunded"),
        ContributionStatus.DISPUTED: _l("Disputed"),
        ContributionStatus.DISPUTE_LOST: _l("Dispute lost"),
        ContributionStatus.FAILED: _l("Payment failed"),
        ContributionStatus.EXPIRED: _l("Not paid (checkout expired)"),
    },
)

REFUND_STATUS_LABELS = labels(
    RefundStatus,
    {
        RefundStatus.PENDING: _l("Pending confirmation"),
        RefundStatus.SUCCEEDED: _l("Refunded"),
        RefundStatus.FAILED: _l("Failed"),
        RefundStatus.CANCELED: _l("Withdrawn"),
    },
)

DISPUTE_STATUS_LABELS = labels(
    DisputeStatus,
    {
        DisputeStatus.INQUIRY: _l("Inquiry (nothing taken)"),
        DisputeStatus.OPEN: _l("Chargeback open"),
        DisputeStatus.WON: _l("Won"),
        DisputeStatus.LOST: _l("Lost"),
        DisputeStatus.CLOSED: _l("Closed (nothing taken)"),
    },
)

REFERENCE_KIND_LABELS = labels(
    ReferenceKind,
    {
        ReferenceKind.CHECKOUT_SESSION: _l("Checkout session"),
        ReferenceKind.PAYMENT_INTENT: _l("Payment"),
        ReferenceKind.CHARGE: _l("Charge"),
        ReferenceKind.REFUND: _l("Refund"),
        ReferenceKind.DISPUTE: _l("Dispute"),
    },
)

MOVEMENT_KIND_LABELS = labels(
    MovementKind,
    {
        MovementKind.PAYMENT: _l("Payment"),
        MovementKind.REFUND: _l("Refund"),
        MovementKind.REFUND_FAILURE: _l("Failed refund returned"),
        MovementKind.DISPUTE_WITHDRAWAL: _l("Funds withdrawn for a dispute"),
        MovementKind.DISPUTE_REINSTATEMENT: _l("Funds reinstated after a dispute"),
    },
)

PLEDGE_STATUS_LABELS = labels(
    PledgeStatus,
    {
        PledgeStatus.PLEDGED: _l("Pledged"),
        PledgeStatus.PARTLY_PAID: _l("Partly paid"),
        PledgeStatus.PAID: _l("Paid"),
        PledgeStatus.CANCELLED: _l("Cancelled"),
    },
)

LEDGER_KIND_LABELS = labels(
    LedgerKind,
    {
        LedgerKind.CONTRIBUTION_RECEIVED: _l("Contribution received"),
        LedgerKind.REFUND: _l("Refund"),
        LedgerKind.REFUND_RETURNED: _l("Refund failed: money returned"),
        LedgerKind.REFUND_HELD: _l("Held for a refund in progress"),
        LedgerKind.REFUND_HOLD_RELEASED: _l("Refund hold released"),
        LedgerKind.DISPUTE_WITHDRAWN: _l("Withheld for a dispute"),
        LedgerKind.DISPUTE_REVERSED: _l("Dispute won: returned"),
        LedgerKind.PAYMENT_FEE: _l("Payment provider's fee"),
        LedgerKind.PAYMENT_FEE_RETURNED: _l("Payment provider's fee returned"),
        LedgerKind.EXCHANGE_GAIN: _l("Exchange gain"),
        LedgerKind.EXCHANGE_LOSS: _l("Exchange loss"),
        LedgerKind.AWARD_COMMITTED: _l("Award committed"),
        LedgerKind.COMMITMENT_RELEASED: _l("Commitment released"),
        LedgerKind.DISBURSEMENT: _l("Disbursement"),
        LedgerKind.SUPPORT_COST: _l("Programme support cost"),
    },
)

EVENT_OUTCOME_LABELS = labels(
    EventOutcome,
    {
        EventOutcome.PROCESSED: _l("Processed"),
        EventOutcome.IGNORED: _l("Ignored"),
        EventOutcome.FAILED: _l("Failed"),
        EventOutcome.REJECTED: _l("Rejected: not an event we can read"),
    },
)
