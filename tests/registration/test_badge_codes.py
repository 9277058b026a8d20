"""The pass's short code: eight characters a person can read out and type, given at
accreditation, case and hyphen ignored, signed with the secret key and checked at the desk."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from meetings.auth.models import Role
from meetings.errors import DomainError
from meetings.extensions import db
from meetings.registration import badges
from meetings.registration.models import RegistrationStatus
from meetings.registration.workflow import transition
from tests.factories.auth import make_user
from tests.factories.registration import make_open_meeting, register


def _accredited(meeting):
    registration = register(make_user(), meeting)
    transition(None, registration, RegistrationStatus.APPROVED)
    transition(None, registration, RegistrationStatus.ACCREDITED)
    return registration


def test_accreditation_gives_a_short_unambiguous_code_unique_in_the_meeting() -> None:
    meeting = make_open_meeting()
    people = [_accredited(meeting) for _ in range(20)]
    codes = [p.badge_code for p in people]
    assert all(c is not None and re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{8}", c) for c in codes)
    assert len(set(codes)) == len(codes)
    assert register(make_user(), meeting).badge_code is None  # not accredited: no pass


@pytest.mark.parametrize(
    "typed", ["{code}", "{lower}", "{a}-{b}", " {a} {b} ", "{lower_o}"], ids=str
)
def test_the_desk_takes_the_code_however_it_is_typed(typed: str) -> None:
    meeting = make_open_meeting()
    registration = _accredited(meeting)
    code = registration.badge_code
    assert code is not None
    text = typed.format(
        code=code,
        lower=code.lower(),
        a=code[:4],
        b=code[4:],
        lower_o=code.replace("0", "o").replace("1", "l").lower(),
    )
    secretariat = make_user(roles=[Role.SECRETARIAT])
    found = badges.check_in(secretariat, text, meeting.id)
    assert found.registration is registration
    assert found.first_time


def test_a_code_not_signed_with_the_key_or_of_another_meeting_is_refused() -> None:
    meeting, other = make_open_meeting(), make_open_meeting()
    registration = _accredited(meeting)
    secretariat = make_user(roles=[Role.SECRETARIAT])
    assert registration.badge_code is not None
    with pytest.raises(DomainError, match="not a valid badge code"):
        badges.check_in(secretariat, registration.badge_code, other.id)
    registration.badge_code = "ABCD2345"  # written by hand, not derived from the key
    db.session.flush()
    with pytest.raises(DomainError, match="not a valid badge code"):
        badges.check_in(secretariat, "ABCD2345", meeting.id)
    assert registration.checked_in_at is None


@given(st.text(alphabet="0123456789ABCDEFGHJKMNPQRSTVWXYZ", min_size=8, max_size=8))
def test_normalising_a_code_as_printed_gives_it_back(code: str) -> None:
    assert badges.normalise_code(badges.display_code(code)) == code
    assert badges.normalise_code(badges.display_code(code).lower()) == code


def test_the_secretariat_reads_the_code_on_the_pass_and_types_it(client, login) -> None:
    meeting = make_open_meeting()
    registration = _accredited(meeting)
    db.session.commit()
    login(Role.SECRETARIAT)
    html = client.get(f"/registrations/{registration.id}/badge").get_data(as_text=True)
    code = registration.badge_code
    assert code is not None
    shown = f"{code[:4]}-{code[4:]}"
    assert f"<code>{shown}</code>" in html
    response = client.submit(
        f"/secretariat/check-in?meeting={meeting.id}", {"token": shown.lower()}
    )
    assert "is checked in" in response.get_data(as_text=True)
