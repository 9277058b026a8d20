from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from meetings.extensions import db
from meetings.schedule.models import Sitting, SittingStatus
from meetings.schedule.programme_import import ProgrammeImportError, import_programme
from tests.factories.schedule import make_meeting, make_room, make_sitting

HEADER = "number,date,start,end,kind,title,room,agenda\n"
GOOD = (
    HEADER
    + "1,2018-06-18,10:00,13:00,plenary,1st plenary meeting,Conference Room 4,Opening|Election\n"
    + "2,2018-06-18,15:00,18:00,plenary,2nd plenary meeting,Conference Room 4,General debate\n"
    + '3,2018-06-18,13:15,14:30,side event,"Side event: marking, tracing; more",Conference Room 2,'
    + "\n"
)


@pytest.fixture
def setting():
    meeting = make_meeting()
    make_room("Conference Room 4")
    make_room("Conference Room 2")
    return meeting


def _count(meeting) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Sitting).where(Sitting.meeting_id == meeting.id)
    )


def test_a_good_file_is_imported_and_importing_it_again_changes_nothing(setting) -> None:
    result = import_programme(None, setting, GOOD)
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    first = db.session.scalar(
        sa.select(Sitting).where(Sitting.meeting_id == setting.id, Sitting.number == 1)
    )
    assert first.agenda_items == "Opening\nElection"
    again = import_programme(None, setting, GOOD)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert first.revision == 0


def test_a_changed_row_updates_its_sitting_and_raises_the_revision(setting) -> None:
    import_programme(None, setting, GOOD)
    changed = GOOD.replace("2,2018-06-18,15:00,18:00", "2,2018-06-18,15:30,18:00")
    result = import_programme(None, setting, changed)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    second = db.session.scalar(
        sa.select(Sitting).where(Sitting.meeting_id == setting.id, Sitting.number == 2)
    )
    assert second.revision == 1


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "4,2018-06-19,10:00,13:00,plenary,Lost,Conference Room 9,",
            "There is no room called “Conference Room 9”.",
        ),
        (
            "4,2018-07-19,10:00,13:00,plenary,Late,Conference Room 4,",
            "The date must lie within the meeting",
        ),
        (
            "4,2018-06-19,13:00,10:00,plenary,Backwards,Conference Room 4,",
            "The end must be after the start.",
        ),
        (
            "4,2018-06-18,12:00,14:00,plenary,Clash,Conference Room 4,",
            "Conference Room 4 is also booked on line 2",
        ),
        (
            "4,2018-06-19,10:00,13:00,banquet,Party,Conference Room 4,",
            "“banquet” is not a kind of sitting",
        ),
        (
            "4,19/06/2018,10:00,13:00,plenary,Odd date,Conference Room 4,",
            "is not a date like 2018-06-18",
        ),
        (
            "1,2018-06-19,10:00,13:00,plenary,Twin,Conference Room 4,",
            "sitting number 1 is also on line 2",
        ),
    ],
)
def test_each_bad_row_is_reported_with_its_line_and_nothing_is_imported(
    setting, row: str, message: str
) -> None:
    with pytest.raises(ProgrammeImportError) as caught:
        import_programme(None, setting, GOOD + row + "\n")
    problems = caught.value.problems
    assert [p.line for p in problems] == [5]
    assert message in problems[0].message
    assert _count(setting) == 0


def test_a_bad_time_zone_name_is_reported_with_its_line(setting) -> None:
    text = (
        "number,date,start,end,kind,title,room,timezone\n"
        "1,2018-06-18,10:00,13:00,plenary,One,Conference Room 4,America/New_York\n"
        "2,2018-06-18,15:00,18:00,plenary,Two,Conference Room 4,Mars/Olympus_Mons\n"
    )
    with pytest.raises(ProgrammeImportError) as caught:
        import_programme(None, setting, text)
    assert [(p.line, "is not a time zone name" in p.message) for p in caught.value.problems] == [
        (3, True)
    ]


def test_a_missing_column_is_reported_on_line_1(setting) -> None:
    with pytest.raises(ProgrammeImportError) as caught:
        import_programme(
            None,
            setting,
            "number,date,start,end,kind,title\n1,2018-06-18,10:00,13:00,plenary,One\n",
        )
    assert [(p.line, p.message) for p in caught.value.problems] == [(1, "missing columns: room")]


def test_every_bad_row_is_reported_not_only_the_first(setting) -> None:
    text = (
        GOOD + "4,2018-07-19,10:00,13:00,plenary,Late,Conference Room 4,\n"
        "5,2018-06-19,13:00,10:00,plenary,Backwards,Conference Room 4,\n"
        "6,2018-06-18,09:00,18:30,plenary,Long,Conference Room 2,\n"
    )
    with pytest.raises(ProgrammeImportError) as caught:
        import_programme(None, setting, text)
    assert [p.line for p in caught.value.problems] == [5, 6, 7]


def test_a_clash_with_a_sitting_already_booked_is_reported(setting) -> None:
    room = make_room("Conference Room 1")
    make_sitting(make_meeting(), room=room, title="Someone else's meeting")
    text = HEADER + "1,2018-06-18,11:00,12:00,plenary,Clash,Conference Room 1,\n"
    with pytest.raises(ProgrammeImportError) as caught:
        import_programme(None, setting, text)
    assert "“Someone else's meeting”" in caught.value.problems[0].message


def test_cancelled_rows_are_kept_as_they_are(setting) -> None:
    import_programme(None, setting, GOOD)
    from meetings.schedule.sittings import change_status, sitting_of

    change_status(None, sitting_of(setting, 3), SittingStatus.CANCELLED)
    result = import_programme(None, setting, GOOD)
    assert result.unchanged == 3
    assert sitting_of(setting, 3).status is SittingStatus.CANCELLED


def test_the_command_imports_a_file_with_a_progress_bar(app, setting, tmp_path: Path) -> None:
    path = tmp_path / "programme.csv"
    path.write_text(GOOD, encoding="utf-8")
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["schedule", "import", setting.code, str(path)])
    assert result.exit_code == 0, result.output
    assert "3 created, 0 updated, 0 unchanged" in result.output
    assert "Checking programme.csv" in result.output


def test_the_command_lists_every_problem_and_fails(app, setting, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        GOOD + "4,2018-07-19,10:00,13:00,plenary,Late,Conference Room 4,\n", encoding="utf-8"
    )
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["schedule", "import", setting.code, str(path)])
    assert result.exit_code == 1
    assert "Line 5: The date must lie within the meeting" in result.output
    assert _count(setting) == 0


def _upload(client, meeting, data: bytes):
    import io

    return client.submit(
        f"/secretariat/meetings/{meeting.code}/import",
        {"file": (io.BytesIO(data), "programme.csv")},
        content_type="multipart/form-data",
    )


def test_excel_s_semicolons_and_byte_order_mark_are_read(client, login, setting) -> None:
    from meetings.auth.models import Role

    db.session.commit()
    login(Role.SECRETARIAT)
    semicolons = GOOD.replace(",", ";").replace('"Side event: marking; tracing; more"', "Side")
    response = _upload(client, setting, ("\ufeff" + semicolons).encode("utf-8"))
    assert response.status_code == 302
    assert _count(setting) == 0  # shown first, written once confirmed
    confirmed = client.submit(response.headers["Location"], {})
    assert confirmed.status_code == 302
    assert _count(setting) == 3


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04\x14\x00\x06\x00" + b"x" * 100,  # a workbook saved as .xlsx
        b"%PDF-1.4\nnot a table",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,  # an old .xls
    ],
)
def test_a_binary_file_is_told_it_is_not_a_csv_file(client, login, setting, data) -> None:
    from meetings.auth.models import Role

    db.session.commit()
    login(Role.SECRETARIAT)
    page = _upload(client, setting, data).get_data(as_text=True)
    assert "This is not a CSV file." in page
    assert "missing" not in page.lower()
    assert _count(setting) == 0


def test_the_import_page_lists_the_columns_and_the_kinds(client, login, setting) -> None:
    from meetings.auth.models import Role

    db.session.commit()
    login(Role.SECRETARIAT)
    page = client.get(f"/secretariat/meetings/{setting.code}/import").get_data(as_text=True)
    for column in ("number", "date", "start", "end", "kind", "title", "room", "agenda"):
        assert f"<code>{column}</code>" in page
    for kind in ("plenary", "informal_consultations", "side_event", "other"):
        assert f"<code>{kind}</code>" in page
    assert "semicolons" in page
