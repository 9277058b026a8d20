"""The shared building blocks: the transition helper, the POST helper, labels, documents."""

from __future__ import annotations

import io

import pytest
from flask import Flask, get_flashed_messages
from flask_wtf import FlaskForm
from wtforms import StringField

from meetings.audit.services import entries_for
from meetings.auth.models import Role
from meetings.auth.permissions import Permission
from meetings.documents.services import new_document, read_upload
from meetings.errors import DomainError, PermissionDenied
from meetings.extensions import db
from meetings.forms import perform, status_for
from meetings.labels import label, labels
from meetings.schedule.models import Meeting, MeetingState
from meetings.workflow import Workflow, by_permission
from tests.factories.auth import make_user
from tests.factories.registration import PDF
from tests.factories.schedule import make_meeting
from tests.support import documents

M = MeetingState
notified: list[tuple[object, ...]] = []


def _refuse_concluding_without_sittings(actor, meeting, source, target) -> None:
    if target is M.CONCLUDED:
        raise DomainError("Not yet.")


MACHINE: Workflow[MeetingState, Meeting] = Workflow(
    name="test_meeting",
    attribute="state",
    table={
        (M.PLANNED, M.REGISTRATION_OPEN): frozenset({"secretariat"}),
        (M.REGISTRATION_OPEN, M.REGISTRATION_CLOSED): frozenset({"secretariat"}),
        (M.REGISTRATION_CLOSED, M.CONCLUDED): frozenset({"secretariat"}),
    },
    kinds=by_permission(secretariat=Permission.MANAGE_SCHEDULE),
    needs_reason=frozenset({M.REGISTRATION_CLOSED}),
    check_move=_refuse_concluding_without_sittings,
    notify=lambda *args: notified.append(args),
)


def test_a_move_in_the_table_changes_the_state_audits_and_notifies() -> None:
    meeting = make_meeting()
    secretariat = make_user(roles=[Role.SECRETARIAT])
    notified.clear()
    assert MACHINE.targets(secretariat, meeting) == [M.REGISTRATION_OPEN]
    before = MACHINE.move(secretariat, meeting, M.REGISTRATION_OPEN)
    assert before is M.PLANNED
    assert meeting.state is M.REGISTRATION_OPEN
    entry = entries_for(meeting)[-1]
    assert entry.action == "test_meeting.registration_open"
    assert (entry.before, entry.after) == ({"state": "planned"}, {"state": "registration_open"})
    assert entry.actor_id == secretariat.id
    assert notified == [(meeting, M.PLANNED, M.REGISTRATION_OPEN, "")]


def test_a_move_outside_the_table_is_refused_in_words(app: Flask) -> None:
    meeting = make_meeting()
    with app.test_request_context(), pytest.raises(DomainError) as caught:
        MACHINE.move(None, meeting, M.CONCLUDED)
    assert caught.value.message == "This cannot go from “Planned” to “Concluded”."
    assert meeting.state is M.PLANNED


def test_only_the_kinds_of_actor_in_the_table_may_move() -> None:
    meeting = make_meeting()
    delegate = make_user()
    assert MACHINE.targets(delegate, meeting) == []
    with pytest.raises(DomainError, match="may not make this change"):
        MACHINE.move(delegate, meeting, M.REGISTRATION_OPEN)
    assert meeting.state is M.PLANNED


def test_a_move_that_needs_a_reason_refuses_a_blank_one_and_keeps_it() -> None:
    meeting = make_meeting()
    MACHINE.move(None, meeting, M.REGISTRATION_OPEN)
    with pytest.raises(DomainError) as caught:
        MACHINE.move(None, meeting, M.REGISTRATION_CLOSED, reason="   ")
    assert caught.value.field == "reason"
    MACHINE.move(None, meeting, M.REGISTRATION_CLOSED, reason="Room unavailable")
    assert entries_for(meeting)[-1].reason == "Room unavailable"


def test_the_workflows_own_rule_can_refuse_a_move_the_table_allows() -> None:
    meeting = make_meeting()
    MACHINE.move(None, meeting, M.REGISTRATION_OPEN)
    MACHINE.move(None, meeting, M.REGISTRATION_CLOSED, reason="x")
    with pytest.raises(DomainError, match="Not yet"):
        MACHINE.move(None, meeting, M.CONCLUDED)
    assert meeting.state is M.REGISTRATION_CLOSED


def test_next_states_reads_the_table() -> None:
    assert MACHINE.next_states(M.PLANNED) == frozenset({M.REGISTRATION_OPEN})
    assert MACHINE.next_states(M.CONCLUDED) == frozenset()


# --- the POST helper -----------------------------------------------------------------------------


class NameForm(FlaskForm):
    class Meta:
        csrf = False

    name = StringField()


def test_perform_commits_what_the_service_did(app: Flask) -> None:
    meeting = make_meeting()
    with app.test_request_context():
        outcome = perform(lambda: setattr(meeting, "title", "Renamed") or meeting.title)
    assert outcome
    assert outcome.value == "Renamed"
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).title == "Renamed"  # type: ignore[union-attr]


def test_perform_rolls_back_and_puts_the_message_beside_its_field(app: Flask) -> None:
    meeting = make_meeting()
    db.session.commit()

    def half_done() -> None:
        meeting.title = "Half-saved"
        db.session.flush()
        raise DomainError("Enter a better name.", field="name")

    with app.test_request_context(method="POST", data={"name": "x"}):
        form = NameForm()
        outcome = perform(half_done, form=form)
        assert not outcome
        assert form.name.errors == ["Enter a better name."]
        assert status_for(form) == 422
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).title != "Half-saved"  # type: ignore[union-attr]


def test_perform_puts_a_message_of_no_field_above_the_form_or_in_a_flash(app: Flask) -> None:
    def refuse() -> None:
        raise DomainError("Not now.")

    with app.test_request_context(method="POST"):
        form = NameForm()
        perform(refuse, form=form)
        assert form.form_errors == ["Not now."]
        perform(refuse)
        assert get_flashed_messages(with_categories=True) == [("error", "Not now.")]


def test_perform_lets_permission_refusals_reach_the_403_page(app: Flask) -> None:
    def forbidden() -> None:
        raise PermissionDenied("No.")

    with app.test_request_context(), pytest.raises(PermissionDenied):
        perform(forbidden)


# --- labels and documents ------------------------------------------------------------------------


def test_an_enum_table_must_name_every_member() -> None:
    with pytest.raises(ValueError, match="no label for"):
        labels(MeetingState, {MeetingState.PLANNED: "Planned"})


def test_label_translates_and_an_undeclared_enum_is_a_bug(app: Flask) -> None:
    import enum

    class Undeclared(enum.Enum):
        X = "x"

    with app.test_request_context():
        assert label(MeetingState.REGISTRATION_OPEN) == "Registration open"
        assert label(None) == ""
        with pytest.raises(LookupError):
            label(Undeclared.X)


def test_a_kept_document_is_written_and_removed_again_if_the_transaction_rolls_back(
    app: Flask,
) -> None:
    with app.test_request_context():
        upload = read_upload(io.BytesIO(PDF), "letter.pdf", field="file")
        with db.session.begin_nested():
            document = new_document(None, upload)
        assert documents.stored_bytes(document.stored_name) == PDF
        db.session.rollback()
        assert documents.stored_bytes(document.stored_name) is None


def test_mail_queued_in_a_savepoint_waits_for_the_outer_commit(app: Flask, outbox) -> None:
    from meetings import mail

    with db.session.begin_nested():
        mail.queue(db.session, mail.Message(to="kept@example.org", subject="s", body="b"))
    savepoint = db.session.begin_nested()
    mail.queue(db.session, mail.Message(to="dropped@example.org", subject="s", body="b"))
    savepoint.rollback()
    assert outbox == []  # a released savepoint is not a commit
    db.session.commit()
    assert [m["To"] for m in outbox] == ["kept@example.org"]
