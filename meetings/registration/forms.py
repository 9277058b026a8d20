from __future__ import annotations

from typing import Any

from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from meetings.documents.storage import upload_limit_mb
from meetings.forms import Day, Form, options
from meetings.reference import services as reference
from meetings.reference.labels import ORGANISATION_KIND_LABELS
from meetings.reference.models import UNStatus
from meetings.registration.courtesy import COURTESY_TITLE_LABELS
from meetings.registration.labels import (
    BASED_IN_LABELS,
    CATEGORY_LABELS,
    CREDENTIALS_LABELS,
    GENDER_LABELS,
    ROLE_LABELS,
)
from meetings.registration.models import (
    CATEGORY_ORGANISATION_KIND,
    BasedIn,
    DelegationRole,
    Gender,
    ParticipantCategory,
    RegistrationStatus,
)
from meetings.registration.services import Affiliation, ParticipantData, affiliation_field
from meetings.security import as_id

REQUIRED = _l("This field is required.")
DOCUMENT_HINT = LazyString(lambda: _("PDF, PNG or JPEG, at most %(mb)d MB.", mb=upload_limit_mb()))
EMAIL = Email(_l("Enter an e-mail address like name@example.org."), check_deliverability=False)


# The roles a person chooses. The head of a delegation is named by its focal point (the ★ on
# the delegation page), once: a head chosen on a form would make three heads.
CHOSEN_ROLES = {role: text for role, text in ROLE_LABELS.items() if role is not DelegationRole.HEAD}
NO_TITLE = "none"


def role_field() -> SelectField:
    return SelectField(
        _l("Role in the delegation"),
        choices=options(CHOSEN_ROLES),
        default=DelegationRole.ADVISER.value,
        description=_l("The head of the delegation is named by your focal point."),
    )


class PersonFields(Form):
    """The person, common to every way of registering. Gender and title have no default: an
    untouched form must not register a female "Mr."; each offers "prefer not to say"."""

    role = role_field()
    courtesy_title = SelectField(
        _l("Title"),
        choices=options(
            [
                *COURTESY_TITLE_LABELS.items(),
                (NO_TITLE, _l("No title (prefer not to say)")),
            ],
            blank=_l("— choose —"),
        ),
        validators=[DataRequired(_l("Choose a title, or “No title”."))],
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
    gender = SelectField(
        _l("Gender"),
        choices=options(GENDER_LABELS, blank=_l("— choose —")),
        validators=[DataRequired(_l("Choose one, or “Prefer not to say”."))],
    )
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

    def keep_role(self, current: DelegationRole) -> None:
        """A named head keeps the role while editing (the only way to the role is naming)."""
        if current is DelegationRole.HEAD:
            self.role.choices = options(ROLE_LABELS)

    def participant(self) -> ParticipantData:
        title = self.courtesy_title.data or ""
        return ParticipantData(
            role=DelegationRole(self.role.data),
            courtesy_title="" if title == NO_TITLE else title,
            given_names=self.given_names.data or "",
            family_name=self.family_name.data or "",
            functional_title=self.functional_title.data or "",
            gender=Gender(self.gender.data),
            email=self.email.data or "",
            phone=self.phone.data or "",
            based_in=BasedIn(self.based_in.data) if self.based_in.data else None,
            consent_to_publish=bool(self.consent_to_publish.data),
        )


def _choice_field(label: Any) -> SelectField:
    return SelectField(label, choices=[], validators=[Optional()], validate_choice=False)


class AffiliationFields:
    """Whom the person represents: a category, and the State or organisation of that category
    (one select per category, each beside its choice: the page needs no script to show which
    applies, and the server reads only the one that does)."""

    category = RadioField(
        _l("You represent"),
        choices=options(CATEGORY_LABELS),
        validators=[DataRequired(_l("Choose whom you represent."))],
    )
    member_state_id = _choice_field(_l("Which Member State"))
    observer_state_id = _choice_field(_l("Which observer State"))
    igo_id = _choice_field(_l("Which intergovernmental organization"))
    un_entity_id = _choice_field(_l("Which United Nations entity"))
    ngo_id = _choice_field(_l("Which non-governmental organization"))
    media_id = _choice_field(_l("Which media outlet"))
    # First on the page, first in the error summary.
    summary_first = (
        "category",
        "member_state_id",
        "observer_state_id",
        "igo_id",
        "un_entity_id",
        "ngo_id",
        "media_id",
    )

    def affiliation(self) -> Affiliation:
        category = ParticipantCategory(self.category.data)
        chosen = as_id(getattr(self, affiliation_field(category)).data)
        if category.is_government:
            return Affiliation(category=category, state_id=chosen)
        return Affiliation(category=category, organisation_id=chosen)

    def affiliation_fields(self) -> list[tuple[Any, Any]]:
        """(radio choice, its select) for each category, for the template."""
        return [
            (choice, getattr(self, affiliation_field(ParticipantCategory(choice.data))))
            for choice in self.category
        ]


class RegistrationForm(AffiliationFields, PersonFields):
    photo = FileField(
        _l("Photo for the grounds pass"),
        description=_l(
            "A recent passport-style photo, JPEG or PNG: face and shoulders, plain background. "
            "It is cropped to the passport format and shown only to the secretariat, your focal "
            "point and you. You can add it later."
        ),
    )
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
    photo = RegistrationForm.photo


class PhotoForm(Form):
    """The photo on its own, on the registration's page (adding or replacing it now)."""

    photo = FileField(
        _l("Photo for the grounds pass"),
        description=_l(
            "A recent passport-style photo, JPEG or PNG: face and shoulders, plain background. "
            "It is cropped to the passport format and shown only to the secretariat, your focal "
            "point and you."
        ),
    )


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
    prefix = "invite"  # beside MemberForm on the delegation page
    email = EmailField(_l("E-mail address"), validators=[DataRequired(REQUIRED), EMAIL])
    role = role_field()


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
        description=_l(
            "Scan the pass, or type the eight-character code printed under its QR code "
            "(capitals or small letters, with or without the hyphen)."
        ),
        validators=[DataRequired(REQUIRED), Length(max=500)],
    )


def fill_affiliation_choices(form: AffiliationFields) -> None:
    """The States and organisations a person may register for, each under its category."""
    states = reference.states_by_name()
    organisations = reference.organisations()
    for category in ParticipantCategory:
        field = getattr(form, affiliation_field(category))
        if category.is_government:
            wanted = (
                UNStatus.MEMBER
                if category is ParticipantCategory.MEMBER_STATE
                else UNStatus.OBSERVER
            )
            found = ((s.id, s.name) for s in states if s.un_status is wanted)
        else:
            kind = CATEGORY_ORGANISATION_KIND[category]
            found = ((o.id, str(o)) for o in organisations if o.kind is kind)
        field.choices = options(found, blank=_l("— choose —"))
