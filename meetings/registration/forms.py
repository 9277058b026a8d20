from __future__ import annotations

from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from meetings.documents.storage import upload_limit_mb
from meetings.forms import Day, Form, options
from meetings.reference import services as reference
from meetings.reference.labels import ORGANISATION_KIND_LABELS
from meetings.registration.labels import (
    BASED_IN_LABELS,
    CATEGORY_LABELS,
    COURTESY_TITLES,
    CREDENTIALS_LABELS,
    GENDER_LABELS,
    ROLE_LABELS,
)
from meetings.registration.models import (
    BasedIn,
    DelegationRole,
    Gender,
    ParticipantCategory,
    RegistrationStatus,
)
from meetings.registration.services import Affiliation, ParticipantData

REQUIRED = _l("This field is required.")
DOCUMENT_HINT = LazyString(lambda: _("PDF, PNG or JPEG, at most %(mb)d MB.", mb=upload_limit_mb()))
EMAIL = Email(_l("Enter an e-mail address like name@example.org."), check_deliverability=False)


class PersonFields(Form):
    """The person, common to every way of registering."""

    role = SelectField(
        _l("Role in the delegation"),
        choices=options(ROLE_LABELS),
    )
    courtesy_title = SelectField(
        _l("Title"), choices=options((t, t) for t in COURTESY_TITLES), validators=[Optional()]
    )
    given_names = StringField(
        _l("Given names (as in passport)"), validators=[DataRequired(REQUIRED), Length(max=120)]
    )
    family_name = StringField(
        _l("Family name (as in passport)"), validators=[DataRequired(REQUIRED), Length(max=120)]
    )
    functional_title = StringField(
        _l("Functional title"),
        description=_l("E.g. Counsellor, Director of Arms Control."),
        validators=[DataRequired(REQUIRED), Length(max=200)],
    )
    gender = SelectField(_l("Gender"), choices=options(GENDER_LABELS))
    email = EmailField(
        _l("E-mail address"), validators=[DataRequired(REQUIRED), EMAIL, Length(max=254)]
    )
    phone = StringField(_l("Telephone"), validators=[Optional(), Length(max=40)])
    based_in = SelectField(
        _l("Based in"),
        choices=options(BASED_IN_LABELS, blank="—"),
        validators=[Optional()],
    )
    consent_to_publish = BooleanField(
        _l("My name may appear in the public list of participants"),
    )

    def participant(self) -> ParticipantData:
        return ParticipantData(
            role=DelegationRole(self.role.data),
            courtesy_title=self.courtesy_title.data or "",
            given_names=self.given_names.data or "",
            family_name=self.family_name.data or "",
            functional_title=self.functional_title.data or "",
            gender=Gender(self.gender.data),
            email=self.email.data or "",
            phone=self.phone.data or "",
            based_in=BasedIn(self.based_in.data) if self.based_in.data else None,
            consent_to_publish=bool(self.consent_to_publish.data),
        )


class AffiliationFields:
    category = SelectField(
        _l("You represent"),
        choices=options(CATEGORY_LABELS),
    )
    state_id = SelectField(
        _l("State"),
        description=_l("For a Member State or observer State."),
        choices=[],
        validators=[Optional()],
    )
    organisation_id = SelectField(
        _l("Organization"),
        description=_l("For an organization or media outlet."),
        choices=[],
        validators=[Optional()],
    )

    def affiliation(self) -> Affiliation:
        state, organisation = self.state_id.data, self.organisation_id.data
        return Affiliation(
            category=ParticipantCategory(self.category.data),
            state_id=int(state) if state else None,
            organisation_id=int(organisation) if organisation else None,
        )


class RegistrationForm(AffiliationFields, PersonFields):
    nomination_letter = FileField(
        _l("Nomination letter"),
        description=LazyString(
            lambda: _(
                "PDF, PNG or JPEG, at most %(mb)d MB. Required for government delegates "
                "unless your focal point registers you.",
                mb=upload_limit_mb(),
            )
        ),
    )


class DraftForm(PersonFields):
    nomination_letter = RegistrationForm.nomination_letter


class InvitationForm(PersonFields):
    """The invitee completes the details; role and e-mail come from the invitation."""


class LateRegistrationForm(AffiliationFields, PersonFields):
    late_registration_reason = TextAreaField(
        _l("Reason"),
        description=_l("Needed when registration has closed; it is kept in the audit log."),
        validators=[Optional(), Length(max=2000)],
    )


class MemberForm(PersonFields):
    """The focal point adds a member of the delegation."""


class InviteForm(Form):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(REQUIRED), EMAIL])
    role = SelectField(
        _l("Role in the delegation"),
        choices=options(ROLE_LABELS),
    )


class NominationForm(Form):
    reference = StringField(
        _l("Reference of the note verbale or letter"),
        validators=[DataRequired(REQUIRED), Length(max=120)],
    )
    issued_on = Day(_l("Date"), validators=[DataRequired(_l("Enter a date."))])
    file = FileField(_l("File"), description=DOCUMENT_HINT)


class DecisionForm(Form):
    target = SelectField(choices=options((s.value, s.value) for s in RegistrationStatus))
    reason = TextAreaField(
        _l("Reason"),
        description=_l("Needed to reject or cancel; sent to the participant."),
        validators=[Optional(), Length(max=2000)],
    )


class CredentialsForm(Form):
    status = SelectField(
        _l("Credentials"),
        choices=options(CREDENTIALS_LABELS),
    )


class CapForm(Form):
    organisation_kind = SelectField(
        _l("Kind of organization"), choices=options(ORGANISATION_KIND_LABELS)
    )
    max_participants = IntegerField(
        _l("Most participants per organization"),
        description=_l("Leave empty to lift the cap."),
        validators=[
            Optional(),
            NumberRange(min=1, max=10_000, message=_l("Between 1 and 10,000.")),
        ],
    )


class CheckInForm(Form):
    token = StringField(
        _l("Badge code"),
        description=_l("Scan the badge, or type its code."),
        validators=[DataRequired(REQUIRED), Length(max=500)],
    )


def fill_affiliation_choices(form: AffiliationFields) -> None:
    """The States and organisations a person may register for."""
    form.state_id.choices = options(((s.id, s.name) for s in reference.states()), blank="—")
    form.organisation_id.choices = options(
        ((o.id, str(o)) for o in reference.organisations()), blank="—"
    )
