"""The secretariat's form for a reporting cycle."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired

from meetings.errors import DomainError
from meetings.forms import Day, Form, options
from meetings.reporting.cycles import CycleData
from meetings.reporting.labels import INSTRUMENT_LABELS
from meetings.reporting.models import Instruments, ReportingCycle


class CycleForm(Form):
    meeting_id = SelectField(_l("Meeting"), choices=[], coerce=str)
    template_id = SelectField(_l("Template"), choices=[], coerce=str)
    instruments = SelectField(_l("Instruments"), choices=options(INSTRUMENT_LABELS))
    opens_on = Day(_l("Opens on"), validators=[DataRequired(_l("Enter a date."))])
    closes_on = Day(
        _l("Closes on"),
        description=_l(
            "Reports close at 18:00 venue time on this day; usually about six weeks before the "
            "meeting opens, so that the secretariat can prepare the meeting from them."
        ),
        validators=[DataRequired(_l("Enter a date."))],
    )
    reminder_days = StringField(
        _l("Reminders, in days before the close"),
        description=_l("Numbers separated by commas, e.g. 28, 7."),
        default="28, 7",
    )


def cycle_data(form: CycleForm) -> CycleData:
    try:
        days = [
            int(part)
            for part in (form.reminder_days.data or "").replace(" ", "").split(",")
            if part
        ]
    except ValueError:
        raise DomainError(
            str(_l("Enter whole numbers of days separated by commas.")), field="reminder_days"
        ) from None
    return CycleData(
        meeting_id=int(form.meeting_id.data or 0),
        template_id=int(form.template_id.data or 0),
        instruments=Instruments(form.instruments.data),
        opens_on=form.opens_on.data,
        closes_on=form.closes_on.data,
        reminder_days=days,
    )


def fill(form: CycleForm, cycle: ReportingCycle) -> None:
    form.meeting_id.data = str(cycle.meeting_id)
    form.template_id.data = str(cycle.template_id)
    form.instruments.data = cycle.instruments.value
    form.opens_on.data = cycle.opens_on
    form.closes_on.data = cycle.closes_on
    form.reminder_days.data = ", ".join(str(d) for d in cycle.reminder_days)
