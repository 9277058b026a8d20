"""The statements portal through its pages: the upload form keeps what was typed beside the
refusal, an embargoed file is a 404 to the public until delivered, the sitting's page lists its
statements and its calendar entry links them."""

from __future__ import annotations

import io
from datetime import date, time, timedelta

from meetings.auth.models import Role
from meetings.extensions import db
from meetings.floor import statements
from meetings.floor.statement_models import Statement, StatementLanguage
from meetings.floor.statements import StatementData
from tests.factories.registration import PDF, make_open_meeting
from tests.factories.schedule import make_sitting
from tests.floor.factories import focal
from tests.floor.test_statements import SITTING_STARTS, docx, statement_file


def _meeting():
    meeting = make_open_meeting()
    sitting = make_sitting(meeting, day=date(2018, 6, 18), start=time(10), number=1)
    db.session.commit()
    return meeting, sitting


def test_a_focal_point_uploads_and_a_refusal_keeps_what_was_typed(client, login) -> None:
    meeting, sitting = _meeting()
    ghana = focal("GH")
    login(ghana)
    url = f"/meetings/{meeting.code}/statements/mine"
    assert client.get(url).status_code == 200
    refused = client.submit(
        url,
        {
            "sitting": str(sitting.id),
            "language": "fr",
            "title": "Déclaration",
            "embargoed": "1",
            "file": (io.BytesIO(b"not a document"), "statement.pdf"),
        },
        content_type="multipart/form-data",
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "PDF or Word" in page
    assert 'value="Déclaration"' in page
    assert '<option value="fr" selected>' in page
    assert db.session.query(Statement).count() == 0
    done = client.submit(
        url,
        {
            "sitting": str(sitting.id),
            "language": "fr",
            "embargoed": "1",
            "file": (io.BytesIO(docx()), "declaration.docx"),
        },
        content_type="multipart/form-data",
    )
    assert done.status_code == 302
    statement = db.session.query(Statement).one()
    assert statement.embargoed
    assert statement.document.original_name == "declaration.docx"


def test_an_embargoed_file_is_hidden_from_the_public_until_delivered(client, login, now) -> None:
    meeting, sitting = _meeting()
    ghana = focal("GH")
    statement = statements.upload(
        ghana,
        meeting,
        statements.delegation_for(ghana, meeting, create=True),
        StatementData(sitting.id, "", StatementLanguage.ENGLISH, embargoed=True),
        statement_file(),
    )
    db.session.commit()
    file_url = f"/statements/{statement.id}/file"
    assert client.get(file_url).status_code == 404
    sitting_page = client.get(f"/meetings/{meeting.code}/sittings/1").get_data(as_text=True)
    assert file_url not in sitting_page
    now(SITTING_STARTS + timedelta(minutes=20))
    login(Role.SECRETARIAT)
    listed = client.get(f"/secretariat/meetings/{meeting.code}/statements")
    assert file_url in listed.get_data(as_text=True)
    assert (
        client.submit(f"/statements/{statement.id}/deliver", {"back": "secretariat"}).status_code
        == 302
    )
    anonymous = client.application.test_client()
    with anonymous.get(file_url) as public:
        assert public.status_code == 200
        assert public.data == PDF
    sitting_page = anonymous.get(f"/meetings/{meeting.code}/sittings/1").get_data(as_text=True)
    assert file_url in sitting_page
    listed = anonymous.get(f"/meetings/{meeting.code}/statements").get_data(as_text=True)
    assert file_url in listed


def test_the_sittings_calendar_entry_links_its_statements(client) -> None:
    meeting, _sitting = _meeting()
    feed = client.get(f"/meetings/{meeting.code}/sittings/1.ics").get_data(as_text=True)
    unfolded = feed.replace("\r\n ", "")
    assert f"/meetings/{meeting.code}/sittings/1/statements" in unfolded
