from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from meetings.forms import Day, Form, options
from meetings.i18n import OTHER_LANGUAGES
from meetings.schedule.labels import (
    MEETING_FORMAT_LABELS,
    MEETING_KIND_LABELS,
    SITTING_KIND_LABELS,
)
from meetings.schedule.rooms import RoomData

REQUIRED = _l("This field is required.")


class MeetingForm(Form):
    process_id = SelectField(_l("Process"), choices=[], validators=[DataRequired(REQUIRED)])
    code = StringField(
        _l("Code"),
        description=_l("Capital letters, digits and hyphens; used in addresses, e.g. POA-REVCON3."),
        validators=[DataRequired(REQUIRED), Length(max=40)],
    )
    title = StringField(_l("Title"), validators=[DataRequired(REQUIRED), Length(max=300)])
    # The official title in the other official languages; pages, mail and feeds in a language
    # show it there, and the English where it is left empty.
    title_fr = StringField(_l("Title in French"), validators=[Optional(), Length(max=300)])
    title_es = StringField(_l("Title in Spanish"), validators=[Optional(), Length(max=300)])
    title_ru = StringField(_l("Title in Russian"), validators=[Optional(), Length(max=300)])
    title_zh = StringField(_l("Title in Chinese"), validators=[Optional(), Length(max=300)])
    title_ar = StringField(_l("Title in Arabic"), validators=[Optional(), Length(max=300)])
    kind = SelectField(
        _l("Kind of meeting"),
        choices=options(MEETING_KIND_LABELS),
    )
    venue = StringField(_l("Venue"), validators=[DataRequired(REQUIRED), Length(max=300)])
    timezone = StringField(
        _l("Time zone"),
        description=_l("The venue's IANA time zone, e.g. America/New_York or Europe/Vienna."),
        default="America/New_York",
        validators=[DataRequired(REQUIRED), Length(max=64)],
    )
    start_date = Day(_l("First day"), validators=[DataRequired(_l("Enter a date."))])
    end_date = Day(_l("Last day"), validators=[DataRequired(_l("Enter a date."))])
    format = SelectField(
        _l("Format"),
        choices=options(MEETING_FORMAT_LABELS),
    )
    registration_opens_on = Day(_l("Registration opens on"), validators=[Optional()])
    registration_deadline = Day(
        _l("Registration deadline"),
        description=_l("Registration closes at the closing time, venue time, on this day."),
        validators=[Optional()],
    )
    closing_time = TimeField(_l("Closing time (venue time)"), default=None, validators=[Optional()])

    def translated_titles(self) -> dict[str, str]:
        return {lang: self[f"title_{lang}"].data or "" for lang in OTHER_LANGUAGES}


class RoomForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(REQUIRED), Length(max=120)])
    building = StringField(_l("Building"), validators=[Optional(), Length(max=200)])
    capacity = IntegerField(
        _l("Capacity"),
        validators=[
            DataRequired(_l("Enter the number of seats.")),
            NumberRange(min=1, max=100_000, message=_l("Between 1 and 100,000 seats.")),
        ],
    )

    def room_data(self) -> RoomData:
        return RoomData(
            name=self.name.data or "",
            building=self.building.data or "",
            capacity=self.capacity.data or 0,
        )


class SittingForm(Form):
    number = IntegerField(
        _l("Number"),
        description=_l("Leave empty to take the next number."),
        validators=[
            Optional(),
            NumberRange(min=1, max=100_000, message=_l("Between 1 and 100,000.")),
        ],
    )
    kind = SelectField(_l("Kind"), choices=options(SITTING_KIND_LABELS))
    title = StringField(_l("Title"), validators=[DataRequired(REQUIRED), Length(max=300)])
    day = Day(_l("Date"), validators=[DataRequired(_l("Enter a date."))])
    start = TimeField(_l("Starts (venue time)"), validators=[DataRequired(_l("Enter a time."))])
    end = TimeField(_l("Ends (venue time)"), validators=[DataRequired(_l("Enter a time."))])
    room_id = SelectField(_l("Room"), choices=[], validators=[Optional()])
    agenda_items = TextAreaField(
        _l("Agenda items"), description=_l("One item per line."), validators=[Optional()]
    )


class ImportForm(Form):
    file = FileField(
        _l("Programme file (CSV)"),
        description=_l(
            "Columns: number, date, start, end, kind, title, room; optionally agenda, building, "
            "timezone."
        ),
        validators=[FileRequired(_l("Choose a CSV file."))],
    )
