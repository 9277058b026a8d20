"""The statements portal: PDF or Word checked by content, who sees a statement before and after
delivery (every role), delivery not before the sitting, a replaced file's history, the filters,
the delegates a focal point allows, and the statement's course as a table."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime, time, timedelta

import pytest

from meetings.auth.models import Role
from meetings.documents.services import STATEMENT_TYPES, read_upload
from meetings.errors import DomainError, PermissionDenied
from meetings.extensions import db
from meetings.floor import statement_queries, statements
from meetings.floor.statement_models import StatementLanguage, StatementStatus
from meetings.floor.statement_queries import StatementFilter
from meetings.floor.statements import StatementData
from meetings.registration.models import RegistrationStatus
from meetings.registration.workflow import transition
from tests.factories.auth import make_user
from tests.factories.registration import PDF, for_state, make_open_meeting, register
from tests.factories.schedule import make_sitting
from tests.floor.factories import focal

WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
MACRO_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
# The general debate's first sitting: 18 June 2018, 10:00 in New York (14:00 UTC).
SITTING_STARTS = datetime(2018, 6, 18, 14, tzinfo=UTC)


def docx(main: str = WORD_MAIN) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            f'<Types><Override PartName="/word/document.xml" ContentType="{main}"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def statement_file(data: bytes = PDF, name: str = "statement.pdf"):
    return read_upload(io.BytesIO(data), name, field="file", accept=STATEMENT_TYPES)


def _setup():
    meeting = make_open_meeting()
    sitting = make_sitting(
        meeting, day=date(2018, 6, 18), start=time(10), agenda="9. General debate"
    )
    ghana = focal("GH")
    delegation = statements.delegation_for(ghana, meeting, create=True)
    return meeting, sitting, ghana, delegation


def _upload(actor, meeting, delegation, sitting, *, embargoed=True, **changes):
    data = StatementData(
        sitting_id=changes.get("sitting_id", sitting.id if sitting else None),
        agenda_item=changes.get("agenda_item", ""),
        language=changes.get("language", StatementLanguage.ENGLISH),
        embargoed=embargoed,
    )
    return statements.upload(
        actor, meeting, delegation, data, changes.get("file", statement_file())
    )


@pytest.mark.parametrize(
    ("data", "name", "accepted"),
    [
        (PDF, "statement.pdf", "application/pdf"),
        (
            docx(),
            "statement.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (docx(MACRO_MAIN), "statement.docx", None),
        (b"PK\x03\x04 not really a zip", "statement.docx", None),
        (b"\x89PNG\r\n\x1a\n" + b"0" * 100, "statement.pdf", None),
        (b"Just text pretending", "statement.pdf", None),
    ],
)
def test_a_statement_is_a_pdf_or_a_word_document_by_its_content(data, name, accepted) -> None:
    if accepted is None:
        with pytest.raises(DomainError, match="PDF or Word") as caught:
            statement_file(data, name)
        assert caught.value.field == "file"
    else:
        assert statement_file(data, name).content_type == accepted


def test_letters_still_refuse_word_documents() -> None:
    with pytest.raises(DomainError, match="PDF, PNG or JPEG"):
        read_upload(io.BytesIO(docx()), "letter.docx", field="letter")


def test_what_the_upload_needs() -> None:
    meeting, sitting, ghana, delegation = _setup()
    with pytest.raises(DomainError) as caught:
        _upload(ghana, meeting, delegation, None)
    assert caught.value.field == "sitting"
    with pytest.raises(DomainError) as caught:
        _upload(ghana, meeting, delegation, sitting, agenda_item="99. Not on the agenda")
    assert caught.value.field == "agenda_item"
    with pytest.raises(DomainError) as caught:
        _upload(ghana, meeting, delegation, sitting, language=None)
    assert caught.value.field == "language"
    with pytest.raises(DomainError) as caught:
        _upload(ghana, meeting, delegation, sitting, file=None)
    assert caught.value.field == "file"
    elsewhere = make_sitting(make_open_meeting(), number=1)
    with pytest.raises(DomainError) as caught:
        _upload(ghana, meeting, delegation, sitting, sitting_id=elsewhere.id)
    assert caught.value.field == "sitting"
    by_item = _upload(ghana, meeting, delegation, None, agenda_item="9. General debate")
    assert by_item.sitting_id is None
    with pytest.raises(PermissionDenied):
        _upload(focal("KE"), meeting, delegation, sitting)


def _roles(meeting, delegation, ghana) -> dict[str, object]:
    allowed_user, other_user = make_user(), make_user()
    allowed = register(allowed_user, meeting, for_state("GH"))
    register(other_user, meeting, for_state("GH"))
    statements.choose_uploaders(ghana, delegation, {allowed.id})
    return {
        "anonymous": None,
        "delegate of another State": make_user(),
        "delegate of Ghana, not allowed": other_user,
        "delegate of Ghana, allowed": allowed_user,
        "focal point of Ghana": ghana,
        "focal point of Kenya": focal("KE"),
        "secretariat": make_user(roles=[Role.SECRETARIAT]),
        "fund administrator": make_user(roles=[Role.FUND_ADMINISTRATOR]),
        "administrator": make_user(roles=[Role.ADMIN]),
    }


SEES_EMBARGOED = {
    "delegate of Ghana, allowed",
    "focal point of Ghana",
    "secretariat",
    "administrator",
}


def test_an_embargoed_statement_is_seen_by_the_delegation_and_the_secretariat_until_delivered(
    now,
) -> None:
    meeting, sitting, ghana, delegation = _setup()
    roles = _roles(meeting, delegation, ghana)
    embargoed = _upload(ghana, meeting, delegation, sitting)
    advance = _upload(ghana, meeting, delegation, sitting, embargoed=False)
    for role, actor in roles.items():
        assert statements.may_see(actor, embargoed) == (role in SEES_EMBARGOED), role
        assert statements.may_see(actor, advance), role
    listed = statement_queries.public_statements(meeting.id, StatementFilter())
    assert [s.id for s in listed] == [advance.id]
    now(SITTING_STARTS - timedelta(minutes=1))
    with pytest.raises(DomainError, match="once its sitting has begun"):
        statements.mark_delivered(ghana, embargoed)
    now(SITTING_STARTS + timedelta(minutes=30))
    statements.mark_delivered(roles["secretariat"], embargoed)
    for role, actor in roles.items():
        assert statements.may_see(actor, embargoed), role
    listed = statement_queries.public_statements(meeting.id, StatementFilter(sitting_id=sitting.id))
    assert {s.id for s in listed} == {embargoed.id, advance.id}
    with pytest.raises(PermissionDenied):
        statements.mark_delivered(roles["delegate of Ghana, not allowed"], advance)
    statements.mark_delivered(roles["delegate of Ghana, allowed"], advance)


def test_a_withdrawn_delegate_loses_the_right_to_upload() -> None:
    meeting, sitting, ghana, delegation = _setup()
    member_user = make_user()
    member = register(member_user, meeting, for_state("GH"))
    statements.choose_uploaders(ghana, delegation, {member.id})
    assert statements.speaks_for(member_user, delegation)
    assert statements.delegation_for(member_user, meeting) == delegation
    transition(None, member, RegistrationStatus.WITHDRAWN)
    assert not statements.speaks_for(member_user, delegation)
    with pytest.raises(PermissionDenied):
        _upload(member_user, meeting, delegation, sitting)
    stranger = register(make_user(), meeting, for_state("KE"))
    with pytest.raises(DomainError):
        statements.choose_uploaders(ghana, delegation, {stranger.id})


def test_a_replaced_file_keeps_its_history() -> None:
    meeting, sitting, ghana, delegation = _setup()
    statement = _upload(ghana, meeting, delegation, sitting)
    first = statement.document_id
    statements.replace_file(ghana, statement, statement_file(docx(), "corrected.docx"))
    kept = statement_queries.history(statement)
    assert [k.version for k in kept] == [2, 1]
    assert kept[1].document_id == first
    assert statement.document.original_name == "corrected.docx"
    with pytest.raises(PermissionDenied):
        statements.replace_file(focal("KE"), statement, statement_file())


def test_the_filters_by_state_agenda_item_and_language() -> None:
    meeting, sitting, ghana, delegation = _setup()
    kenya = focal("KE")
    theirs = statements.delegation_for(kenya, meeting, create=True)
    french = _upload(
        ghana, meeting, delegation, sitting, embargoed=False, language=StatementLanguage.FRENCH
    )
    english = _upload(
        kenya, meeting, theirs, None, embargoed=False, agenda_item="9. General debate"
    )

    def ids(**chosen):
        return [
            s.id for s in statement_queries.public_statements(meeting.id, StatementFilter(**chosen))
        ]

    assert ids(state_id=delegation.state_id) == [french.id]
    assert ids(language=StatementLanguage.ENGLISH) == [english.id]
    assert ids(agenda_item="9. General debate") == [english.id]
    assert set(ids()) == {french.id, english.id}


@pytest.mark.parametrize(
    ("source", "target"),
    [(s, t) for s in StatementStatus for t in StatementStatus if t is not StatementStatus.UPLOADED],
)
def test_the_table_of_a_statements_course(now, source, target) -> None:
    meeting, sitting, ghana, delegation = _setup()
    statement = _upload(ghana, meeting, delegation, sitting)
    statement.status = source
    db.session.flush()
    now(SITTING_STARTS + timedelta(hours=1))
    act = statements.mark_delivered if target is StatementStatus.DELIVERED else statements.withdraw
    if target in statements.TRANSITIONS[source]:
        assert act(ghana, statement).status is target
    else:
        with pytest.raises(DomainError, match="already been delivered or withdrawn"):
            act(ghana, statement)
