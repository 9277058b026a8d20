"""The sponsorship forms, and what its view modules share."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from meetings.auth.models import User
from meetings.documents.services import Upload, upload_from
from meetings.errors import DomainError
from meetings.forms import Day, Form, options
from meetings.money import format_amount, parse_amount
from meetings.registration import nominees
from meetings.registration.forms import DOCUMENT_HINT, PersonFields
from meetings.security import as_id
from meetings.sponsorship import applications
from meetings.sponsorship.applications import DOCUMENTS, ApplicationData
from meetings.sponsorship.calls import max_dsa_days
from meetings.sponsorship.labels import ELIGIBILITY_LABELS
from meetings.sponsorship.models import Application, SponsorshipCall

REQUIRED = _l("This field is required.")
USD_HINT = _l("In US dollars, e.g. 1,250.00.")


class CallForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(REQUIRED), Length(max=300)])
    meeting_ids = SelectMultipleField(
        _l("Meetings"),
        choices=[],
        coerce=str,
        validators=[DataRequired(_l("Choose the meetings."))],
    )
    opens_on = Day(_l("Opens on"), validators=[DataRequired(_l("Enter a date."))])
    deadline = Day(
        _l("Deadline"),
        description=_l("Applications close at 18:00 venue time on this day."),
        validators=[DataRequired(_l("Enter a date."))],
    )
    eligibility = SelectField(_l("Eligibility"), choices=options(ELIGIBILITY_LABELS))
    capital_based_preferred = BooleanField(_l("Capital-based officials preferred"), default=True)
    covered_costs = TextAreaField(
        _l("Costs covered"),
        description=_l(
            "E.g. economy return airfare, DSA for the days of the meeting plus travel, "
            "terminal expenses."
        ),
        validators=[Optional(), Length(max=5000)],
    )
    dsa_city = StringField(
        _l("DSA city"),
        description=_l("The city whose daily subsistence allowance applies, e.g. New York."),
        default="New York",
        validators=[DataRequired(REQUIRED), Length(max=120)],
    )
    travel_days = IntegerField(
        _l("Travel days"),
        description=_l("DSA days allowed beyond the days of the meeting."),
        default=2,
        validators=[NumberRange(min=0, max=10, message=_l("Between 0 and 10."))],
    )
    reply_days = IntegerField(
        _l("Days to answer an offer"),
        default=14,
        validators=[NumberRange(min=1, max=90, message=_l("Between 1 and 90."))],
    )


class ApplicationForm(PersonFields):
    """The State's application. The nominee is a member of the delegation, or a new one."""

    meeting_id = SelectField(_l("Meeting"), choices=[])
    registration_id = SelectField(
        _l("Nominee"),
        description=_l("A member of your delegation to the meeting; or add a new one below."),
        choices=[],
        validators=[Optional()],
        validate_choice=False,  # the service says which person is not a member, and why
    )
    nominee_source = RadioField(
        _l("Who is the nominee?"),
        choices=options(
            [
                ("member", _l("A member of our delegation to the meeting")),
                ("new", _l("Someone not registered yet: register them with this application")),
            ]
        ),
        default="member",
        validators=[Optional()],
    )
    capital_based = BooleanField(
        _l("The nominee works in the capital (not at the Permanent Mission)"), default=True
    )
    departure_city = StringField(
        _l("City of departure"), validators=[DataRequired(REQUIRED), Length(max=120)]
    )
    airfare = StringField(
        _l("Economy airfare (estimate)"), description=USD_HINT, validators=[DataRequired(REQUIRED)]
    )
    dsa_days = IntegerField(
        _l("DSA days"),
        description=_l("The days of the meeting and the travel days."),
        validators=[
            DataRequired(_l("Enter the number of days.")),
            NumberRange(min=1, max=60, message=_l("Between 1 and 60.")),
        ],
    )
    terminal = StringField(_l("Terminal expenses"), description=USD_HINT, default="0")
    justification = TextAreaField(
        _l("Why the State needs the fund's support"),
        validators=[Optional(), Length(max=5000)],
    )
    previous_participation = TextAreaField(
        _l("Previous participation in the process"), validators=[Optional(), Length(max=5000)]
    )
    note_verbale = FileField(_l("Note verbale"), description=DOCUMENT_HINT)
    nomination_form = FileField(_l("Nomination form"), description=DOCUMENT_HINT)
    passport_copy = FileField(_l("Copy of the passport"), description=DOCUMENT_HINT)
    # Files attached to an attempt that failed, kept (meetings.documents.pending).
    kept_note_verbale = HiddenField()
    kept_nomination_form = HiddenField()
    kept_passport_copy = HiddenField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Written for the focal point who fills it in, about someone else.
        self.role.description = _l("The head of the delegation is named on the delegation page.")
        self.consent_to_publish.label.text = _l(
            "The nominee agrees that their name may appear in the public list of participants"
        )
        self.uploads: dict[str, Upload] = {}

    @property
    def new_nominee(self) -> bool:
        return bool(self.nominee_source.data == "new")

    def validate(self, extra_validators: Any = None) -> bool:
        valid = _without_person(self, super().validate(extra_validators))
        return _read_documents(self) and valid


class DecisionForm(Form):
    target = StringField()
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=2000)])


class SettleForm(Form):
    confirm = BooleanField(
        _l("Yes: return what is still set aside to the fund and close this award"),
        validators=[
            DataRequired(_l("Tick the box to settle: nothing more can be paid afterwards."))
        ],
    )


class ReviewForm(Form):
    score = SelectField(
        _l("Score"),
        choices=options(((n, n) for n in ("5", "4", "3", "2", "1")), blank=_l("Choose a score")),
        description=_l("From 1 (weakest) to 5 (strongest)."),
        validators=[DataRequired(_l("Choose a score from 1 to 5."))],
    )
    comment = TextAreaField(
        _l("Assessment"),
        description=_l("Read by the fund's administrators only."),
        validators=[Optional(), Length(max=5000)],
    )
    message_to_state = TextAreaField(
        _l("Message to the State"),
        description=_l(
            "Shown to the State's focal point on its application, without your name or score. "
            "Leave it empty to tell the State nothing."
        ),
        validators=[Optional(), Length(max=5000)],
    )


class OfferForm(Form):
    airfare = StringField(
        _l("Economy airfare"), description=USD_HINT, validators=[DataRequired(REQUIRED)]
    )
    dsa_days = IntegerField(
        _l("DSA days"),
        validators=[
            DataRequired(_l("Enter the number of days.")),
            NumberRange(min=1, max=60, message=_l("Between 1 and 60.")),
        ],
    )
    terminal = StringField(_l("Terminal expenses"), description=USD_HINT, default="0")


class AmountForm(Form):
    """An amount paid out of an award; one page holds several (ticket, DSA, increase), each
    with its own prefix so that their fields' ids differ."""

    amount = StringField(_l("Amount"), description=USD_HINT, validators=[DataRequired(REQUIRED)])
    reference = StringField(_l("Ticket reference"), validators=[Optional(), Length(max=120)])


class DsaRateForm(Form):
    city = StringField(_l("City"), validators=[DataRequired(REQUIRED), Length(max=120)])
    daily_rate = StringField(
        _l("Daily rate"), description=USD_HINT, validators=[DataRequired(REQUIRED)]
    )
    valid_from = Day(_l("Valid from"), validators=[DataRequired(_l("Enter a date."))])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=300)])


PERSON_FIELDS = (
    "role",
    "courtesy_title",
    "given_names",
    "family_name",
    "functional_title",
    "gender",
    "email",
    "phone",
    "based_in",
    "consent_to_publish",
)


def _read_documents(form: ApplicationForm) -> bool:
    """Each attached file checked by its content and size, its error beside it; the checked
    ones kept on the form (``form.uploads``) for the service, or to keep if the form fails."""
    good = True
    for name in DOCUMENTS:
        try:
            upload = upload_from(getattr(form, name).data, field=name)
        except DomainError as error:
            getattr(form, name).errors.append(error.message)
            good = False
            continue
        if upload is not None:
            form.uploads[name] = upload
    return good


def _without_person(form: ApplicationForm, valid: bool) -> bool:
    """The new nominee's fields count only when a new nominee is chosen; the member only when
    a member is."""
    if form.new_nominee:
        form.registration_id.errors = []
        return valid
    for name in PERSON_FIELDS:
        getattr(form, name).errors = []
    form._errors = None
    return not any(field.errors for field in form) and not form.form_errors


def fill_application_form(
    form: ApplicationForm,
    actor: User,
    call: SponsorshipCall,
    application: Application | None = None,
) -> None:
    """The meetings the State may still apply for, its delegates, and sensible defaults."""
    assignment = actor.focal_point_assignment
    state = assignment.state if assignment else None
    taken = applications.applied_for(state.id) if state else set()
    meetings = [
        m
        for m in call.meetings
        if m.id not in taken or (application and m.id == application.meeting_id)
    ]
    form.meeting_id.choices = options((m.id, m.title) for m in meetings)
    members = [
        (r.id, f"{r.display_name} — {m.code}")
        for m in meetings
        for r in (nominees.members_of(m, state) if state else [])
    ]
    form.registration_id.choices = options(members, blank=_l("Choose a member of the delegation"))
    if request.method != "GET":
        return
    form.nominee_source.data = "member" if members else "new"
    if application is None:
        first = meetings[0] if meetings else None
        form.dsa_days.data = max_dsa_days(call, first) if first else None
        form.capital_based.data = True
        form.terminal.data = "0"
        return
    form.meeting_id.data = str(application.meeting_id)
    form.registration_id.data = str(application.registration_id or "")
    form.airfare.data = format_amount(application.airfare)
    form.terminal.data = format_amount(application.terminal)


def application_data(form: ApplicationForm) -> ApplicationData:
    """What the State entered, with amounts read in US dollars (DomainError beside a bad one)."""
    chosen = "" if form.new_nominee else form.registration_id.data or ""
    meeting = form.meeting_id.data or ""
    return ApplicationData(
        meeting_id=as_id(meeting) or 0,
        registration_id=as_id(chosen),
        capital_based=bool(form.capital_based.data),
        departure_city=form.departure_city.data or "",
        airfare=parse_amount(form.airfare.data or "", "USD", field="airfare"),
        dsa_days=form.dsa_days.data or 0,
        terminal=parse_amount(form.terminal.data or "0", "USD", field="terminal"),
        justification=form.justification.data or "",
        previous_participation=form.previous_participation.data or "",
        new_nominee=form.participant() if form.new_nominee else None,
    )
