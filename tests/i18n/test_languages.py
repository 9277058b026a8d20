"""Who reads which language: a meeting's official titles, feeds in the language of their address,
e-mail in the recipient's, dates and money as the reader's locale writes them, Chinese in PDFs."""

from __future__ import annotations

import re
import subprocess
from datetime import date

import pytest
import sqlalchemy as sa
from flask import Flask, render_template
from flask_babel import force_locale

from meetings import clock
from meetings.auth.models import Role
from meetings.extensions import db
from meetings.fund import receipts
from meetings.money import Money, format_money
from meetings.reference.services import state_by_code
from meetings.schedule.models import Meeting
from tests.factories.auth import make_user
from tests.factories.fund import bank_transfer
from tests.factories.registration import (
    DURING_REGISTRATION,
    for_state,
    make_open_meeting,
    register,
)
from tests.factories.schedule import make_meeting, make_process, make_sitting

FRENCH = "Troisième Conférence d’examen (essai)"
ARABIC = "المؤتمر الاستعراضي الثالث (تجربة)"


def titled(meeting: Meeting) -> Meeting:
    meeting.titles = {"fr": FRENCH, "ar": ARABIC}
    db.session.commit()
    return meeting


def test_a_meeting_shows_its_title_in_the_reader_s_language_and_english_otherwise(
    client,
) -> None:
    meeting = titled(make_meeting(code="TITLED"))
    english = meeting.title
    assert FRENCH in client.get("/meetings/TITLED?lang=fr", headers={"Accept-Language": "fr"}).text
    arabic = client.get("/meetings/TITLED", headers={"Accept-Language": "ar"}).text
    assert ARABIC in arabic
    assert '<html lang="ar" dir="rtl">' in arabic
    russian = client.get("/meetings/TITLED", headers={"Accept-Language": "ru"}).text
    assert english in russian
    assert FRENCH not in russian


def test_the_secretariat_enters_the_titles_each_in_its_own_direction(client, login) -> None:
    login(Role.SECRETARIAT)
    process_id = make_process()
    db.session.commit()
    form = {
        "process_id": str(process_id),
        "code": "POA-BMS8",
        "title": "Eighth Biennial Meeting",
        "title_fr": "  Huitième Réunion biennale  ",
        "title_ar": "الاجتماع الثامن",
        "title_zh": "",
        "kind": "biennial_meeting",
        "venue": "New York",
        "timezone": "America/New_York",
        "start_date": "2022-06-27",
        "end_date": "2022-07-01",
        "format": "hybrid",
    }
    assert client.submit("/secretariat/meetings/new", form).status_code == 302
    created = db.session.scalar(sa.select(Meeting).where(Meeting.code == "POA-BMS8"))
    assert created is not None
    assert created.titles == {"fr": "Huitième Réunion biennale", "ar": "الاجتماع الثامن"}
    page = client.get("/secretariat/meetings/POA-BMS8/edit").text
    arabic = re.search(r"<input [^>]*id=\"title_ar\"[^>]*>", page)
    french = re.search(r"<input [^>]*id=\"title_fr\"[^>]*>", page)
    assert arabic
    assert french
    assert 'lang="ar"' in arabic[0]
    assert 'dir="rtl"' in arabic[0]
    assert 'value="الاجتماع الثامن"' in arabic[0]
    assert 'lang="fr"' in french[0]
    assert 'dir="ltr"' in french[0]
    too_long = client.submit(
        "/secretariat/meetings/new", {**form, "code": "X2", "title_ru": "я" * 301}
    )
    assert too_long.status_code == 422
    assert 'id="title_ru-error"' in too_long.text


def test_a_feed_keeps_the_language_of_its_address_whoever_reads_it(client) -> None:
    meeting = titled(make_meeting(code="FEEDLANG"))
    make_sitting(meeting)
    db.session.commit()
    english = client.get("/meetings/FEEDLANG/calendar.ics").data
    assert (
        client.get("/meetings/FEEDLANG/calendar.ics", headers={"Accept-Language": "fr"}).data
        == english
    )
    client.submit("/language", {"language": "ar", "next": "/"})
    assert client.get("/meetings/FEEDLANG/calendar.ics").data == english
    french = client.get("/meetings/FEEDLANG/calendar.ics?lang=fr")
    again = client.get("/meetings/FEEDLANG/calendar.ics?lang=fr", headers={"Accept-Language": "ru"})
    assert french.data == again.data != english
    assert FRENCH.encode() in french.data.replace(b"\r\n ", b"")
    assert french.headers["ETag"] != client.get("/meetings/FEEDLANG/calendar.ics").headers["ETag"]
    unknown = client.get("/meetings/FEEDLANG/calendar.ics?lang=xx")
    assert unknown.data == english


def test_an_error_at_a_feed_address_is_written_in_the_reader_s_language(client) -> None:
    response = client.get("/calendar/no-such-token.ics", headers={"Accept-Language": "fr"})
    assert response.status_code == 404
    assert '<html lang="fr"' in response.text
    assert "There is no such calendar" not in response.text


def test_mail_is_written_in_the_recipient_s_language_whoever_triggers_it(
    app: Flask, outbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clock, "now", lambda: DURING_REGISTRATION)
    meeting = titled(make_open_meeting(code="MAILLANG"))
    focal = make_user(roles=[Role.FOCAL_POINT], state=state_by_code("GH"))
    focal.locale = "fr"
    participant = make_user(full_name="Kwame Mensah")
    register(participant, meeting, for_state("GH"))
    db.session.commit()
    to_focal = next(m for m in outbox if m["To"] == focal.email)
    to_participant = next(m for m in outbox if m["To"] == participant.email)
    assert to_focal["Content-Language"] == "fr"
    assert FRENCH in to_focal.get_content()
    assert "a été soumise" in to_focal.get_content()
    assert to_participant["Content-Language"] == "en"
    assert meeting.title in to_participant.get_content()


@pytest.mark.parametrize(
    ("language", "day", "money"),
    [
        ("fr", "18 juin 2018", "1 234,50 $US"),
        ("es", "18 de junio de 2018", "1.234,50 US$"),
        ("ru", "18 июня 2018 г.", "1 234,50 $"),
        ("zh", "2018年6月18日", "US$1,234.50"),
        ("ar", "18 يونيو 2018", "\u200f1,234.50 US$"),
    ],
)
def test_dates_and_money_are_written_as_the_reader_s_locale_writes_them(
    client, language: str, day: str, money: str
) -> None:
    make_meeting(code=f"DAYS-{language.upper()}", start=date(2018, 6, 18))
    db.session.commit()
    page = client.get(f"/meetings/DAYS-{language.upper()}", headers={"Accept-Language": language})
    text = " ".join(page.text.replace("\u202f", " ").replace("\xa0", " ").split())
    assert " ".join(day.split()) in text or day in page.text
    with client.application.test_request_context():
        written = format_money(Money(123450, "USD"), language)
    assert money in written.replace("\u202f", " ").replace("\xa0", " ")


def test_a_chinese_receipt_finds_a_font_for_every_character(app: Flask) -> None:
    fonts = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True)
    if not fonts.stdout.strip():
        pytest.skip("no font with Chinese glyphs here: apt-get install fonts-wqy-microhei")
    contribution = bank_transfer()
    db.session.commit()
    with app.test_request_context(), force_locale("zh"):
        html = render_template("fund/receipt.html", contribution=contribution, for_pdf=True)
    document = receipts.laid_out(html)
    document.write_pdf()
    drawn = {
        character
        for font in document.fonts.values()
        for glyph, character in font.to_unicode.items()
        if glyph != 0
    }
    chinese = {c for c in html if "\u4e00" <= c <= "\u9fff"}
    assert len(chinese) > 10  # the receipt is in Chinese
    assert chinese <= drawn, sorted(chinese - drawn)
