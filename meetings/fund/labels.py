"""How fund values are named on screen (translatable)."""

from flask_babel import lazy_gettext as _l

from meetings.fund.models import (
    ContributionStatus,
    DonorKind,
    EventOutcome,
    LedgerKind,
    PaymentMethod,
    PledgeStatus,
    RefundStatus,
)
from meetings.labels import labels

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
        LedgerKind.DISPUTE_WITHDRAWN: _l("Withheld for a dispute"),
        LedgerKind.DISPUTE_REVERSED: _l("Dispute won: returned"),
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
    },
)
