"""Printing passes in batches: selected, or every accredited pass of a meeting not printed yet,
in one document; each marked printed, reprints counted, those without a pass left out."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa

from meetings.audit.models import AuditEntry
from meetings.auth.models import Role
from meetings.documents.storage import read_upload
from meetings.errors import DomainError
from meetings.extensions import db
from meetings.registration import badges, printing
from meetings.registration.models import Registration, RegistrationStatus
from meetings.registration.workflow import transition
from tests.factories.auth import make_user
from tests.factories.registration import make_open_meeting, photo_bytes, register
from tests.support.concurrency import race


def _accredited(meeting, *, photo: bool = True) -> Registration:
    import io

    registration = register(make_user(), meeting)
    transition(None, registration, RegistrationStatus.APPROVED)
    transition(None, registration, RegistrationStatus.ACCREDITED)
    if photo:
        badges.set_photo(
            make_user(roles=[Role.SECRETARIAT]),
            registration,
            read_upload(io.BytesIO(photo_bytes()), "me.jpg", field="photo"),
        )
    return registration


def test_printing_marks_each_pass_and_counts_reprints() -> None:
    meeting = make_open_meeting()
    secretariat = make_user(roles=[Role.SECRETARIAT])
    first, second = _accredited(meeting), _accredited(meeting)
    batch = printing.print_passes(secretariat, [first.id, second.id])
    assert [p.registration for p in batch.passes] == sorted(
        [first, second], key=lambda r: (r.family_name, r.given_names)
    )
    assert not any(p.reprint for p in batch.passes)
    assert first.badge_print_count == 1
    assert first.badge_printed_at is not None
    when = first.badge_printed_at
    again = printing.print_passes(secretariat, [first.id])
    assert [p.reprint for p in again.passes] == [True]
    assert first.badge_print_count == 2
    assert first.badge_printed_at == when  # the first printing is kept
    audited = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "registration.pass_printed")
    ).all()
    assert len(audited) == 3


def test_those_without_a_pass_or_a_photo_are_left_out_with_the_reason() -> None:
    meeting = make_open_meeting()
    secretariat = make_user(roles=[Role.SECRETARIAT])
    ready = _accredited(meeting)
    no_photo = _accredited(meeting, photo=False)
    submitted = register(make_user(), meeting)
    batch = printing.print_passes(secretariat, [ready.id, no_photo.id, submitted.id])
    assert [p.registration for p in batch.passes] == [ready]
    assert len(batch.skipped) == 2
    assert any("no photo yet" in s for s in batch.skipped)
    assert any("submitted" in s for s in batch.skipped)
    assert no_photo.badge_print_count == 0
    with pytest.raises(DomainError, match="No pass to print"):
        printing.print_passes(secretariat, [submitted.id])


def test_unprinted_lists_accredited_passes_never_printed_of_the_meeting() -> None:
    meeting, other = make_open_meeting(), make_open_meeting()
    secretariat = make_user(roles=[Role.SECRETARIAT])
    done, waiting = _accredited(meeting), _accredited(meeting)
    _accredited(other)
    register(make_user(), meeting)
    printing.print_passes(secretariat, [done.id])
    assert printing.unprinted(secretariat, meeting.id) == [waiting.id]


def test_the_secretariat_prints_every_unprinted_pass_in_one_document(client, login) -> None:
    meeting = make_open_meeting()
    people = [_accredited(meeting) for _ in range(3)]
    db.session.commit()
    login(Role.SECRETARIAT)
    listed = client.get(f"/secretariat/registrations?meeting={meeting.id}&pass=unprinted")
    html = listed.get_data(as_text=True)
    assert "Print every accredited pass of this meeting not printed yet" in html
    assert all(p.family_name.upper() in html for p in people)
    response = client.submit(
        "/secretariat/passes/print", {"unprinted_of": meeting.id, "back": "/secretariat"}
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    document = response.get_data(as_text=True)
    assert document.count('class="pass-card') == 3
    assert "3 passes, marked printed." in document
    for person in people:
        db.session.refresh(person)
        assert person.badge_code is not None
        assert f"{person.badge_code[:4]}-{person.badge_code[4:]}" in document
        assert person.badge_print_count == 1
    after = client.get(f"/secretariat/registrations?meeting={meeting.id}&pass=unprinted")
    assert "No registration matches." in after.get_data(as_text=True)
    nothing = client.submit("/secretariat/passes/print", {"unprinted_of": meeting.id})
    assert nothing.status_code == 302


def test_a_delegate_cannot_print_passes(client, login) -> None:
    meeting = make_open_meeting()
    person = _accredited(meeting)
    db.session.commit()
    login(make_user())
    response = client.submit("/secretariat/passes/print", {"registration": person.id})
    assert response.status_code == 403
    db.session.refresh(person)
    assert person.badge_print_count == 0


@pytest.mark.concurrency
def test_two_people_printing_at_once_both_count(committed) -> None:
    """Counted in one UPDATE: two batches at the same moment make two, not one."""
    from meetings.auth.models import User

    meeting = make_open_meeting()
    person = _accredited(meeting)
    secretaries = [make_user(roles=[Role.SECRETARIAT]) for _ in range(2)]
    db.session.commit()
    person_id = person.id

    def print_one(user_id: int) -> Callable[[], None]:
        def action() -> None:
            printing.print_passes(db.session.get(User, user_id), [person_id])

        return action

    outcomes = race(committed, [print_one(s.id) for s in secretaries])
    assert outcomes == ["ok", "ok"], outcomes
    db.session.expire_all()
    printed = db.session.get(Registration, person_id)
    assert printed is not None
    assert printed.badge_print_count == 2
