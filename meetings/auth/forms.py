from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from meetings.auth.labels import ROLE_LABELS
from meetings.forms import Form, options
from meetings.i18n import LANGUAGE_NAMES


def language_choices() -> list[SelectChoice]:
    return options(
        ((code, LANGUAGE_NAMES.get(code, code)) for code in current_app.config["LANGUAGES"]),
        blank=str(_l("Browser default")),
    )


class RegisterForm(Form):
    full_name = StringField(
        _l("Full name"), validators=[DataRequired(_l("Enter your full name.")), Length(max=200)]
    )
    email = EmailField(
        _l("E-mail address"),
        validators=[
            DataRequired(_l("Enter your e-mail address.")),
            Email(_l("Enter an e-mail address like name@example.org."), check_deliverability=False),
            Length(max=254),
        ],
    )
    password = PasswordField(
        _l("Password"),
        description=_l("At least 12 characters. A few unrelated words make a good password."),
        validators=[DataRequired(_l("Choose a password."))],
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[
            DataRequired(_l("Repeat the password.")),
            EqualTo("password", _l("The two passwords are not the same.")),
        ],
    )
    next = HiddenField()


class LoginForm(Form):
    email = EmailField(
        _l("E-mail address"), validators=[DataRequired(_l("Enter your e-mail address."))]
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))])
    next = HiddenField()


class ForgotPasswordForm(Form):
    email = EmailField(
        _l("E-mail address"),
        validators=[
            DataRequired(_l("Enter your e-mail address.")),
            Email(_l("Enter an e-mail address like name@example.org."), check_deliverability=False),
        ],
    )


class ResetPasswordForm(Form):
    password = PasswordField(
        _l("New password"),
        description=_l("At least 12 characters."),
        validators=[DataRequired(_l("Choose a password."))],
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[
            DataRequired(_l("Repeat the password.")),
            EqualTo("password", _l("The two passwords are not the same.")),
        ],
    )


class ProfileForm(Form):
    full_name = StringField(
        _l("Full name"), validators=[DataRequired(_l("Enter your full name.")), Length(max=200)]
    )
    locale = SelectField(_l("Language"), choices=[], validators=[Optional()])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.locale.choices = language_choices()


class ChangePasswordForm(Form):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(_l("Enter your current password."))]
    )
    new_password = PasswordField(
        _l("New password"),
        description=_l("At least 12 characters."),
        validators=[DataRequired(_l("Choose a new password."))],
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[
            DataRequired(_l("Repeat the new password.")),
            EqualTo("new_password", _l("The two passwords are not the same.")),
        ],
    )


class GrantRoleForm(Form):
    role = SelectField(_l("Role"), choices=options(ROLE_LABELS))
    state_id = SelectField(
        _l("State"),
        description=_l("For a focal point of a State."),
        choices=[],
        validators=[Optional()],
    )
    organisation_id = SelectField(
        _l("Organisation"),
        description=_l("For a focal point of an organisation."),
        choices=[],
        validators=[Optional()],
    )
