from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from meetings.forms import Day, Form


class AuditFilterForm(Form):
    """Read from the query string: filtering changes nothing, so it carries no CSRF token."""

    class Meta:
        csrf = False

    who = StringField(_l("Who (name or e-mail)"), validators=[Optional(), Length(max=100)])
    kind = SelectField(_l("Kind of record"), validators=[Optional()], validate_choice=False)
    since = Day(_l("From"), validators=[Optional()])
    until = Day(_l("To"), validators=[Optional()])
