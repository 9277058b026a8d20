"""A programme import is shown before it changes anything: what it creates, what it changes (each
difference) and what it leaves; a sitting changed by hand since the last import is replaced only
when the secretariat says so."""

from __future__ import annotations

from datetime import date, time

import pytest
import sqlalchemy as sa

from meetings.auth.models import Role
from meetings.errors import DomainError
from meetings.extensions import db
from meetings.schedule import import_preview
from meetings.schedule.models import Sitting
from meetings.schedule.sittings import sitting_data, sitting_of, update_sitting
from tests.factories.auth import make_user
from tests.factories.schedule import make_meeting, make_room, make_sitting

HEADER = "number,date,start,end,kind,title,room\n"
FILE = (
    HEADER
    + "1,2018-06-18,10:00,13:00,plenary,1st plenary meeting,Conference Room 4\n"
    + "2,2018-06-18,15:00,18:00,plenary,2nd plenary meeting,Conference Room 4\n"
)
# The next version of the file names a sitting 3 the secretariat has meanwhile added by hand.
NEXT = FILE + "3,2018-06-19,10:00,13:00,plenary,3rd plenary meeting,Conference Room 4\n"


@pytest.fixture
def case():
    meeting = make_meeting()
    room4 = make_room("Conference Room 4")
    room2 = make_room("Conference Room 2")
    secretariat = make_user(roles=[Role.SECRETARIAT])
    first = import_preview.preview_import(secretariat, meeting, FILE, "programme.csv")
    import_preview.apply_import(secretariat, meeting, first.staged, frozenset())
    return meeting, secretariat, room4, room2


def _sitting(meeting, number: int) -> Sitting:
    found = db.session.scalar(
        sa.select(Sitting).where(Sitting.meeting_id == meeting.id, Sitting.number == number)
    )
    assert found is not None
    return found


def _count(meeting) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Sitting).where(Sitting.meeting_id == meeting.id)
    )


def test_a_preview_changes_nothing_and_says_what_would_change(case) -> None:
    meeting, secretariat, _room4, _room2 = case
    moved = FILE.replace("2,2018-06-18,15:00,18:00", "2,2018-06-18,15:30,18:00") + (
        "4,2018-06-20,10:00,13:00,plenary,4th plenary meeting,Conference Room 4\n"
    )
    before = _sitting(meeting, 2).starts_at
    preview = import_preview.preview_import(secretariat, meeting, moved, "v2.csv")
    assert [p.number for p in preview.created] == [4]
    [changed] = preview.changed
    assert changed.number == 2
    assert not changed.by_hand  # as the last import left it
    assert [(d.field, d.before, d.after) for d in changed.differences] == [
        ("Starts", "2018-06-18 15:00", "2018-06-18 15:30")
    ]
    assert preview.unchanged == 1
    assert _count(meeting) == 2
    assert _sitting(meeting, 2).starts_at == before


def test_a_sitting_added_by_hand_is_replaced_only_when_chosen(case) -> None:
    meeting, secretariat, _room4, room2 = case
    by_hand = make_sitting(
        meeting,
        number=3,
        title="Informal briefing",
        day=date(2018, 6, 20),
        start=time(15),
        end=time(16),
        room=room2,
    )
    preview = import_preview.preview_import(secretariat, meeting, NEXT, "v2.csv")
    [planned] = preview.by_hand
    assert planned.number == 3
    assert {d.field for d in planned.differences} == {"Title", "Starts", "Ends", "Room"}
    kept = import_preview.apply_import(secretariat, meeting, preview.staged, frozenset())
    assert kept.kept == 1
    db.session.refresh(by_hand)
    assert by_hand.title == "Informal briefing"
    with pytest.raises(DomainError, match="imported already"):
        import_preview.apply_import(secretariat, meeting, preview.staged, frozenset({3}))
    again = import_preview.preview_import(secretariat, meeting, NEXT, "v2.csv")
    assert [p.number for p in again.by_hand] == [3]  # still the secretariat's own
    replaced = import_preview.apply_import(secretariat, meeting, again.staged, frozenset({3}))
    assert replaced.updated == 1
    db.session.refresh(by_hand)
    assert by_hand.title == "3rd plenary meeting"
    # Now it is as the import left it: the next preview does not ask about it.
    assert not import_preview.preview_import(secretariat, meeting, NEXT, "v2.csv").by_hand


def test_a_sitting_edited_after_the_preview_is_kept(case) -> None:
    meeting, secretariat, _room4, _room2 = case
    changed = FILE.replace("1st plenary meeting", "Opening plenary")
    preview = import_preview.preview_import(secretariat, meeting, changed, "v2.csv")
    assert [p.number for p in preview.changed] == [1]
    assert not preview.by_hand
    sitting = sitting_of(meeting, 1)
    data = sitting_data(sitting)
    from dataclasses import replace

    update_sitting(secretariat, sitting, replace(data, agenda_items="Adoption of the agenda"))
    result = import_preview.apply_import(secretariat, meeting, preview.staged, frozenset())
    assert result.kept == 1
    assert _sitting(meeting, 1).title == "1st plenary meeting"


def test_the_review_page_asks_before_replacing_a_hand_made_sitting(client, login, case) -> None:
    meeting, _secretariat, _room4, room2 = case
    make_sitting(meeting, number=3, title="Informal briefing", day=date(2018, 6, 20), room=room2)
    db.session.commit()
    login(Role.SECRETARIAT)
    import io

    uploaded = client.submit(
        f"/secretariat/meetings/{meeting.code}/import",
        {"file": (io.BytesIO(NEXT.encode()), "v2.csv")},
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 302
    review = client.get(uploaded.headers["Location"]).get_data(as_text=True)
    assert "Nothing has changed yet" in review
    assert "Changed by hand since the last import" in review
    assert 'name="replace" value="3"' in review
    assert "Informal briefing" in review and "3rd plenary meeting" in review  # noqa: PT018
    done = client.submit(uploaded.headers["Location"], {"replace": "3"})
    assert done.status_code == 302
    assert _sitting(meeting, 3).title == "3rd plenary meeting"
