"""The API's typed schemas (pydantic): what each operation takes and answers. The OpenAPI
document is generated from these; the contract tests hold every response to them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from meetings.floor.statement_models import StatementLanguage
from meetings.registration.models import BasedIn, DelegationRole, Gender
from meetings.schedule.models import SittingKind


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- common --------------------------------------------------------------------------------------


class FieldProblem(BaseModel):
    field: str
    detail: str


class Problem(BaseModel):
    """An error, as RFC 9457 problem details (``application/problem+json``)."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    errors: list[FieldProblem] | None = None


class ListQuery(Strict):
    cursor: str | None = Field(
        None, max_length=200, description="From the last page's next_cursor."
    )
    limit: int = Field(50, ge=1, le=200, description="How many items, at most.")


class Money(BaseModel):
    amount_minor: int = Field(description="In the currency's minor units (cents).")
    currency: str = Field(min_length=3, max_length=3)

    @classmethod
    def of(cls, value: Any) -> Money:
        """From the application's money (meetings.money.Money)."""
        return cls(amount_minor=value.amount, currency=value.currency)


# --- the programme -------------------------------------------------------------------------------


class Meeting(BaseModel):
    code: str
    title: str
    kind: str
    venue: str
    timezone: str = Field(description="IANA zone of the venue: times on screen are shown in it.")
    start_date: date
    end_date: date
    schedule_version: str = Field(description="Changes with every change to the programme.")
    url: str


class MeetingPage(BaseModel):
    items: list[Meeting]
    next_cursor: str | None


class Room(BaseModel):
    id: int
    name: str
    building: str
    capacity: int


class RoomPage(BaseModel):
    items: list[Room]
    next_cursor: str | None


class Sitting(BaseModel):
    number: int
    title: str
    kind: str
    status: Literal["scheduled", "cancelled"]
    starts_at: datetime = Field(description="UTC.")
    ends_at: datetime = Field(description="UTC.")
    room: str | None
    agenda_items: list[str]
    url: str


class SittingPage(BaseModel):
    items: list[Sitting]
    next_cursor: str | None


class SittingQuery(ListQuery):
    kind: SittingKind | None = None


class Participant(BaseModel):
    name: str
    functional_title: str
    delegation: str
    group: str = Field(description="member_state, observer_state or the organisation's kind.")


class ParticipantPage(BaseModel):
    items: list[Participant]
    next_cursor: str | None


# --- the floor -----------------------------------------------------------------------------------


class SpeakersList(BaseModel):
    id: int
    title: str
    open_for_inscription: bool
    time_limit_seconds: int
    sittings: list[int]


class SpeakersListPage(BaseModel):
    items: list[SpeakersList]
    next_cursor: str | None


class Speaker(BaseModel):
    place: int
    speaker: str
    person: str = Field(description="Named only with the person's consent to publication.")
    kind: str
    level: str
    status: str


class SpeakersListDetail(SpeakersList):
    speakers: list[Speaker]


class Statement(BaseModel):
    id: int
    delegation: str
    sitting: int | None
    agenda_item: str
    language: str
    delivered: bool
    file_name: str
    size: int
    file_url: str


class StatementPage(BaseModel):
    items: list[Statement]
    next_cursor: str | None


class StatementQuery(ListQuery):
    state: str | None = Field(None, min_length=2, max_length=2, description="ISO 3166 alpha-2.")
    language: StatementLanguage | None = None
    agenda_item: str | None = Field(None, max_length=200)


# --- national reports ----------------------------------------------------------------------------


class PublicReport(BaseModel):
    id: int
    state: str
    state_code: str
    meeting: str
    url: str


class PublicReportPage(BaseModel):
    items: list[PublicReport]
    next_cursor: str | None


class OwnReport(BaseModel):
    id: int
    meeting: str
    version: int
    status: str
    public: bool
    submitted_at: datetime | None
    missing_sections: list[str]
    url: str


class OwnReportPage(BaseModel):
    items: list[OwnReport]
    next_cursor: str | None


class SubmissionRate(BaseModel):
    meeting: str
    submitted: int
    member_states: int


# --- the fund (public) ---------------------------------------------------------------------------


class DonorGiven(BaseModel):
    donor: str
    given: Money


class FundFigures(BaseModel):
    given: Money
    available: Money
    paid_out: Money
    donors: list[DonorGiven]
    anonymous: Money
    anonymous_donors: int


# --- with a token --------------------------------------------------------------------------------


class TokenInfo(BaseModel):
    name: str
    scopes: list[str]
    expires_at: datetime


class Me(BaseModel):
    id: int
    email: str
    full_name: str
    roles: list[str]
    token: TokenInfo


class Registration(BaseModel):
    id: int
    status: str
    category: str
    given_names: str
    family_name: str
    email: str
    delegation: str


class RegistrationPage(BaseModel):
    items: list[Registration]
    next_cursor: str | None


class NewRegistration(Strict):
    """A member of the focal point's delegation (approved at once: adding is the approval)."""

    role: DelegationRole = DelegationRole.REPRESENTATIVE
    courtesy_title: str = Field("", max_length=30)
    given_names: str = Field(min_length=1, max_length=120)
    family_name: str = Field(min_length=1, max_length=120)
    functional_title: str = Field(min_length=1, max_length=200, description="e.g. Counsellor.")
    gender: Gender
    email: str = Field(min_length=3, max_length=254)
    phone: str = Field("", max_length=40)
    based_in: BasedIn | None = None
    consent_to_publish: bool = False


class CheckIn(BaseModel):
    registration_id: int
    name: str
    delegation: str
    status: str
    checked_in_at: datetime | None


class CheckInPage(BaseModel):
    items: list[CheckIn]
    next_cursor: str | None


class Contribution(BaseModel):
    id: int
    amount: Money
    status: str
    method: str
    value_date: date | None
    receipt: str | None = Field(description="The receipt's address (JSON); .pdf for the PDF.")


class ContributionPage(BaseModel):
    items: list[Contribution]
    next_cursor: str | None


class Receipt(BaseModel):
    contribution_id: int
    receipt_number: str
    donor: str
    amount: Money
    usd_amount_minor: int | None
    value_date: date | None
    pdf: str


class Application(BaseModel):
    id: int
    meeting: str
    state: str
    status: str
    score: float | None
    award: Money | None


class ApplicationPage(BaseModel):
    items: list[Application]
    next_cursor: str | None


class LedgerEntry(BaseModel):
    sequence: int
    kind: str
    usd_amount_minor: int
    original: Money | None
    occurred_on: date
    description: str


class LedgerPage(BaseModel):
    items: list[LedgerEntry]
    next_cursor: str | None
