"""Check-in, the list of participants, statistics, exports, and the personal calendar feed."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from meetings import exports
from meetings.auth.models import Role
from meetings.calendar.services import personal_feed, personal_fingerprint
from meetings.errors import DomainError, PermissionDenied
from meetings.reference.models import OrganisationKind
from meetings.reference.services import get_or_create_organisation, state_by_code
from meetings.registration import badges, csv_exports, delegations, queries
from meetings.registration.models import (
    DelegationRole,
    ParticipantCategory,
    RegistrationStatus,
)
from meetings.registration.services import Affiliation
from meetings.registration.workflow import transition
from tests.factories.auth import make_user
from tests.factories.registration import for_state, make_open_meeting, register
from tests.factories.schedule import make_sitting


def accredited(meeting, affiliation=None, *, head=False, **overrides):
    registration = register(make_user(), meeting, affiliation, **overrides)
    transition(None, registration, RegistrationStatus.APPROVED)
    transition(None, registration, RegistrationStatus.ACCREDITED)
    if head:  # the head is named, never chosen
        secretariat = make_user(roles=[Role.SECRETARIAT])
        delegations.name_head(secretariat, registration.delegation, registration)
    return registration


def test_check_in_records_attendance_once(now) -> None:
    meeting = make_open_meeting()
    registration = accredited(meeting)
    secretariat = make_user(roles=[Role.SECRETARIAT])
    token = badges.check_in_token(registration)
    first = badges.check_in(secretariat, token)
    assert first.first_time
    now(datetime(2018, 6, 18, 14, tzinfo=UTC))
    second = badges.check_in(secretariat, token)
    assert not second.first_time
    assert second.at == first.at == registration.checked_in_at


def test_check_in_refuses_a_forged_code_and_a_registration_not_accredited() -> None:
    meeting = make_open_meeting()
    secretariat = make_user(roles=[Role.SECRETARIAT])
    registration = register(make_user(), meeting)
    with pytest.raises(DomainError, match="not accredited"):
        badges.check_in(secretariat, badges.check_in_token(registration))
    with pytest.raises(DomainError, match="not a valid badge code"):
        badges.check_in(secretariat, badges.check_in_token(registration) + "x")
    with pytest.raises(PermissionDenied):
        badges.check_in(make_user(), badges.check_in_token(registration))


def test_the_badge_carries_a_qr_code_of_the_check_in_token() -> None:
    svg = badges.qr_svg("some-token")
    assert svg.startswith("<svg")
    assert "<path" in svg


def test_the_list_of_participants_is_grouped_and_ordered() -> None:
    meeting = make_open_meeting()
    interpol = get_or_create_organisation("INTERPOL", None, OrganisationKind.IGO)
    iansa = get_or_create_organisation("IANSA", None, OrganisationKind.NGO)
    holy_see = state_by_code("VA")
    accredited(meeting, for_state("NO"), family_name="Berg", role=DelegationRole.ADVISER)
    accredited(meeting, for_state("NO"), family_name="Aas", head=True)
    accredited(meeting, for_state("GH"), family_name="Mensah")
    accredited(meeting, Affiliation(ParticipantCategory.OBSERVER_STATE, state_id=holy_see.id))
    accredited(meeting, Affiliation(ParticipantCategory.NGO, organisation_id=iansa.id))
    accredited(meeting, Affiliation(ParticipantCategory.IGO, organisation_id=interpol.id))
    accredited(meeting, for_state("GH"), family_name="Hidden", consent_to_publish=False)
    register(make_user(), meeting, for_state("KE"))  # submitted, not accredited
    groups = queries.list_of_participants(meeting)
    assert [g.key for g in groups] == ["member_state", "observer_state", "igo", "ngo"]
    assert [name for name, _ in groups[0].delegations] == ["Ghana", "Norway"]
    norway = dict(groups[0].delegations)["Norway"]
    assert [p.family_name for p in norway] == ["Aas", "Berg"]
    assert [p.family_name for p in dict(groups[0].delegations)["Ghana"]] == ["Mensah"]


def test_exports_neutralise_spreadsheet_formulas() -> None:
    assert exports.safe_cell('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    for start in ("+", "-", "@"):
        assert exports.safe_cell(start + "A1") == "'" + start + "A1"
        assert (
            exports.safe_cell(start + "1+cmd|' /C calc'!A0") == "'" + start + "1+cmd|' /C calc'!A0"
        )
    assert exports.safe_cell("@1") == "'@1"
    # A number or a telephone number cannot run anything: it stays readable.
    assert exports.safe_cell("+41 22 917 1234") == "+41 22 917 1234"
    assert exports.safe_cell("-12.50") == "-12.50"
    assert exports.safe_cell("+1 (212) 963-1234") == "+1 (212) 963-1234"
    assert exports.safe_cell("+") == "'+"
    assert exports.safe_cell("Ghana") == "Ghana"
    meeting = make_open_meeting()
    accredited(
        meeting, courtesy_title="", given_names="=cmd|' /C calc'!A0", functional_title="@SUM(1+1)"
    )
    text = "".join(csv_exports.export_participants(meeting))
    assert ",'=cmd|' /C calc'!A0" in text
    assert ",'@SUM(1+1)" in text
    assert ",=" not in text
    assert ",@" not in text


def test_the_registration_export_has_every_registration(now) -> None:
    meeting = make_open_meeting()
    secretariat = make_user(roles=[Role.SECRETARIAT])
    for _ in range(3):
        register(make_user(), meeting)
    lines = list(csv_exports.export_registrations(secretariat, meeting))
    assert len(lines) == 4
    assert lines[0].startswith("Number,Status,Category,Delegation,Role")
    assert "Submitted (America/New_York)" in lines[0]
    # Words, not codes; the time at the venue, to the minute (1 May 2018 12:00 UTC = 08:00 EDT).
    assert ",submitted,Member State,Ghana,Adviser," in lines[1]
    assert ",2018-05-01 08:00," in lines[1]
    assert ",yes," in lines[1]
    with pytest.raises(PermissionDenied):
        list(csv_exports.export_registrations(make_user(), meeting))


def test_statistics_count_by_category_group_gender_and_status() -> None:
    meeting = make_open_meeting()
    secretariat = make_user(roles=[Role.SECRETARIAT])
    accredited(meeting, for_state("GH"))
    register(make_user(), meeting, for_state("NO"))
    register(make_user(), meeting, for_state("NO"), submit=False)
    rejected = register(make_user(), meeting, for_state("NO"))
    transition(None, rejected, RegistrationStatus.REJECTED, reason="Not nominated")
    stats = queries.statistics(secretariat, meeting)
    # Only registrations that hold a place count, except in the count by status.
    assert stats.total == 2
    assert stats.all_registrations == 4
    assert stats.by_status == {"accredited": 1, "submitted": 1, "draft": 1, "rejected": 1}
    assert stats.by_category == {"member_state": 2}
    assert stats.by_regional_group == {"African States": 1, "Western European and other States": 1}
    assert stats.by_gender == {"female": 2}


def test_statistics_count_check_ins_by_day_at_the_venue(now) -> None:
    meeting = make_open_meeting()  # New York
    secretariat = make_user(roles=[Role.SECRETARIAT])
    people = [accredited(meeting) for _ in range(3)]
    for person, moment in zip(
        people,
        [
            datetime(2018, 6, 18, 13, tzinfo=UTC),
            datetime(2018, 6, 19, 3, tzinfo=UTC),  # 23:00 on the 18th in New York
            datetime(2018, 6, 19, 14, tzinfo=UTC),
        ],
        strict=True,
    ):
        now(moment)
        badges.check_in(secretariat, badges.check_in_token(person))
    stats = queries.statistics(secretariat, meeting)
    assert stats.checked_in_by_day == [(date(2018, 6, 18), 2), (date(2018, 6, 19), 1)]
    assert stats.checked_in == 3


def test_the_personal_feed_holds_the_meetings_one_is_registered_for(app) -> None:
    from meetings.schedule.services import set_published

    meeting = make_open_meeting()
    sitting = make_sitting(meeting)
    user = make_user()
    registration = register(user, meeting)
    with app.test_request_context():
        feed = personal_feed(user, personal_fingerprint(user)).decode()
        assert f"sitting-{sitting.id}@" in feed
        transition(user, registration, RegistrationStatus.WITHDRAWN)
        feed = personal_feed(user, personal_fingerprint(user)).decode()
        assert f"sitting-{sitting.id}@" not in feed
    # A meeting taken off the public site leaves every personal feed, starred or registered.
    other = make_open_meeting()
    hidden = make_sitting(other)
    register(user, other)
    set_published(None, other, False)
    with app.test_request_context():
        assert (
            f"sitting-{hidden.id}@" not in personal_feed(user, personal_fingerprint(user)).decode()
        )


def test_telephone_numbers_are_written_so_a_spreadsheet_keeps_the_plus() -> None:
    """Excel reads "+41 22 917 1234" as a formula (an error, or a number without its plus);
    written as ="+41 22 917 1234" it shows the number as typed. Anything else in the column
    is neutralised as any other cell."""
    assert exports.safe_cell(exports.Telephone("+41 22 917 1234")) == '="+41 22 917 1234"'
    assert exports.safe_cell(exports.Telephone("022 917 1234")) == "022 917 1234"
    assert exports.safe_cell(exports.Telephone("")) == ""
    assert exports.safe_cell(exports.Telephone('+1"&HYPERLINK("x')) == '\'+1"&HYPERLINK("x'
    meeting = make_open_meeting()
    accredited(meeting, phone="+232 76 123 456")
    secretariat = make_user(roles=[Role.SECRETARIAT])
    text = "".join(csv_exports.export_registrations(secretariat, meeting))
    assert ',"=""+232 76 123 456""",' in text


def test_courtesy_titles_are_stored_in_english_and_shown_in_the_reader_s_language(app) -> None:
    from flask_babel import force_locale

    meeting = make_open_meeting()
    person = accredited(
        meeting, courtesy_title="H.E. Ms.", given_names="Amina", family_name="Diallo"
    )
    assert person.courtesy_title == "H.E. Ms."
    with app.test_request_context():
        assert person.display_name.startswith("H.E. Ms. ")
        with force_locale("fr"):
            assert person.display_name.startswith("S. E. Mme ")
        with force_locale("ar"):
            assert person.display_name.startswith("سعادة السيدة ")
