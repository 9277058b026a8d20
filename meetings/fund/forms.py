"""The fund's forms, and what its view modules share."""

from __future__ import annotations

import secrets

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional

from meetings.forms import Day, Form, options
from meetings.fund.labels import DONOR_KIND_LABELS
from meetings.reference import services as reference

REQUIRED = _l("This field is required.")
EMAIL = Email(_l("Enter an e-mail address like name@example.org."), check_deliverability=False)
AMOUNT_HINT = _l("In the currency chosen, e.g. 1,500.00.")


def currency_choices(form: FlaskForm, codes: list[str] | None = None) -> None:
    """Fill ``form.currency`` with the ISO 4217 currencies (or only ``codes``)."""
    known = reference.currencies()
    allowed = set(codes) if codes is not None else None
    form.currency.choices = options(
        (c.code, f"{c.code} — {c.display_name}")
        for c in known
        if allowed is None or c.code in allowed
    )


class AmountFields(Form):
    amount = StringField(
        _l("Amount"), description=AMOUNT_HINT, validators=[DataRequired(REQUIRED), Length(max=40)]
    )
    currency = SelectField(_l("Currency"), choices=[], default="USD")


class ContributeForm(AmountFields):
    name = StringField(
        _l("Your name"),
        description=_l("As it should appear on the receipt: a person, a ministry, a company."),
        validators=[Optional(), Length(max=200)],
    )
    email = EmailField(
        _l("E-mail address for the receipt"), validators=[Optional(), EMAIL, Length(max=254)]
    )
    anonymous = BooleanField(_l("Do not show my name on the public page of the fund"))
    token = HiddenField()

    def fresh_token(self, *, force: bool = False) -> None:
        """A token of this form's own (a new one when ``force``: to start again)."""
        if force or not self.token.data:
            self.token.data = secrets.token_urlsafe(32)


class AnnounceForm(AmountFields):
    """A pledge announced on /fund/contribute (beside the card form: its own prefix)."""

    prefix = "pledge"
    donor_kind = SelectField(_l("On behalf of"), choices=options(DONOR_KIND_LABELS))
    state_id = SelectField(
        _l("State"), description=_l("For a government."), choices=[], validators=[Optional()]
    )
    donor_name = StringField(
        _l("Name of the organization"),
        description=_l("For an organization; a person gives their own name below."),
        validators=[Optional(), Length(max=200)],
    )
    contact_name = StringField(
        _l("Your name"), validators=[DataRequired(REQUIRED), Length(max=200)]
    )
    email = EmailField(
        _l("Your e-mail address"), validators=[DataRequired(REQUIRED), EMAIL, Length(max=254)]
    )
    expected_on = Day(_l("When you expect to pay"), validators=[Optional()])
    earmark_meeting_id = SelectField(
        _l("For a meeting"),
        description=_l("Leave empty for the fund as a whole."),
        choices=[],
        validators=[Optional()],
    )
    note = TextAreaField(
        _l("Anything the fund should know"), validators=[Optional(), Length(max=2000)]
    )


class DonorForm(Form):
    kind = SelectField(_l("Kind of donor"), choices=options(DONOR_KIND_LABELS))
    state_id = SelectField(
        _l("State"), description=_l("For a government."), choices=[], validators=[Optional()]
    )
    organisation_id = SelectField(
        _l("Organization"),
        description=_l("For an organization in the list; otherwise type its name."),
        choices=[],
        validators=[Optional()],
    )
    name = StringField(
        _l("Name"),
        description=_l("For an organization not in the list, or a person."),
        validators=[Optional(), Length(max=200)],
    )
    email = EmailField(_l("E-mail address"), validators=[Optional(), EMAIL, Length(max=254)])
    anonymous = BooleanField(_l("Anonymous on the public page of the fund"))

    def fill(self) -> None:
        self.state_id.choices = options(
            ((s.id, s.name) for s in reference.states_by_name()), blank="—"
        )
        self.organisation_id.choices = options(
            ((o.id, str(o)) for o in reference.organisations()), blank="—"
        )


class LinkAccountForm(Form):
    email = EmailField(
        _l("E-mail address of the account"),
        validators=[DataRequired(REQUIRED), EMAIL, Length(max=254)],
    )


class PledgeForm(AmountFields):
    pledged_on = Day(_l("Pledged on"), validators=[DataRequired(_l("Enter a date."))])
    earmark = SelectField(
        _l("Earmarked for"),
        description=_l("A meeting or process, or the fund as a whole."),
        choices=[],
        validators=[Optional()],
    )
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])
    another = BooleanField(
        _l("This is another pledge"),
        description=_l("Tick only when told this donor pledged the same amount lately."),
    )


class BankTransferForm(AmountFields):
    prefix = "transfer"  # beside PledgeForm on the donor's page
    value_date = Day(_l("Value date"), validators=[DataRequired(_l("Enter a date."))])
    reference = StringField(
        _l("Bank reference"), validators=[DataRequired(REQUIRED), Length(max=120)]
    )
    pledge_id = SelectField(_l("Against pledge"), choices=[], validators=[Optional()])
    advice = FileField(
        _l("Bank's advice"), description=_l("The bank's advice of the transfer: PDF, PNG or JPEG.")
    )


class RefundForm(Form):
    amount = StringField(_l("Amount to refund"), validators=[DataRequired(REQUIRED)])
    reason = TextAreaField(
        _l("Reason"), validators=[DataRequired(_l("Give the reason.")), Length(max=2000)]
    )


class ReasonForm(Form):
    reason = TextAreaField(
        _l("Reason"), validators=[DataRequired(_l("Give the reason.")), Length(max=2000)]
    )


class RateForm(Form):
    currency = SelectField(_l("Currency"), choices=[])
    month = StringField(
        _l("Month, or day of a revision"),
        description=_l("Like 2018-06 for the month's rate, or 2018-06-15 for a revision."),
        validators=[DataRequired(REQUIRED)],
    )
    units_per_usd = StringField(
        _l("Units per US dollar"),
        description=_l("The United Nations operational rate of exchange, e.g. 0.8547."),
        validators=[DataRequired(REQUIRED), Length(max=30)],
    )


class RatesImportForm(Form):
    file = FileField(
        _l("Rates file (CSV)"),
        description=_l(
            "Columns: currency, month (YYYY-MM, or YYYY-MM-DD for a revision), units_per_usd."
        ),
    )
