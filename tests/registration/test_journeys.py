"""A delegate's way through registration, as the walk-through found it: no trap, no wrong
default, and the page says what happens next."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from meetings.auth.models import Role
from meetings.extensions import db
from meetings.reference.services import state_by_code
from meetings.registration.models import Registration, RegistrationStatus
from tests.factories.auth import make_user
from tests.factories.registration import PDF, make_open_meeting, register
from tests.support import form_errors


@pytest.fixture
def meeting():
    found = make_open_meeting(code="POA-WALK")
    db.session.commit()
    return found


def _form(**changes: object) -> dict[str, object]:
    ghana = state_by_code("GH")
    assert ghana is not None
    data: dict[str, object] = {
        "category": "member_state",
        "member_state_id": str(ghana.id),
        "role": "adviser",
        "courtesy_title": "Ms.",
        "given_names": "Amina",
        "family_name": "Diallo",
        "functional_title": "Counsellor",
        "gender": "female",
        "submit": "1",
        "nomination_letter": (io.BytesIO(PDF), "letter.pdf"),
    }
    data.update(changes)
    return data


def _post(client, data):
    return client.submit("/meetings/POA-WALK/register", data, content_type="multipart/form-data")


def _mine(email: str) -> Registration | None:
    return db.session.scalar(sa.select(Registration).where(Registration.email == email))


def test_an_untouched_form_chooses_no_gender_and_no_title_and_no_head(
    client, login, meeting
) -> None:
    user = login(Role.DELEGATE)
    page = client.get("/meetings/POA-WALK/register").get_data(as_text=True)
    for name in ("gender", "courtesy_title"):
        select = page.split(f'name="{name}"')[1].split("</select>")[0]
        assert "selected" not in select, name
        assert '<option value="">— choose —</option>' in select
    role = page.split('name="role"')[1].split("</select>")[0]
    assert 'value="head"' not in role  # the head is named by the focal point
    assert '<option selected value="adviser">' in role
    assert "Prefer not to say" in page
    assert "No title (prefer not to say)" in page
    response = _post(client, _form(gender="", courtesy_title=""))
    errors = form_errors(response)
    assert response.status_code == 422
    assert "Choose one, or “Prefer not to say”." in " ".join(errors)
    assert "Choose a title, or “No title”." in " ".join(errors)
    chosen = _post(client, _form(gender="undisclosed", courtesy_title="none", role="head"))
    assert chosen.status_code == 422
    assert 'id="role-error"' in chosen.get_data(as_text=True)  # the service refuses it too
    assert _post(client, _form(gender="undisclosed", courtesy_title="none")).status_code == 302
    mine = _mine(user.email)
    assert (mine.gender.value, mine.courtesy_title) == ("undisclosed", "")


def test_each_category_has_its_own_list_and_only_the_chosen_one_is_read(
    client, login, meeting
) -> None:
    user = login(Role.DELEGATE)
    page = client.get("/meetings/POA-WALK/register").get_data(as_text=True)
    for name in ("member_state_id", "observer_state_id", "igo_id", "ngo_id", "media_id"):
        assert f'name="{name}"' in page
    assert "Holy See" in page.split('name="observer_state_id"')[1].split("</select>")[0]
    assert "Holy See" not in page.split('name="member_state_id"')[1].split("</select>")[0]
    missing = _post(client, _form(category="ngo"))  # a State chosen, but NGO ticked
    assert missing.status_code == 422
    assert 'id="ngo_id-error"' in missing.get_data(as_text=True)
    assert _mine(user.email) is None
    assert _post(client, _form()).status_code == 302
    assert _mine(user.email).delegation_id is not None


def test_withdrawing_asks_first_and_a_withdrawn_registration_can_be_reopened(
    client, login, meeting, outbox
) -> None:
    user = login(Role.DELEGATE)
    registration = register(user, meeting)
    db.session.commit()
    url = f"/registrations/{registration.id}/status"
    asked = client.submit(url, {"target": "withdrawn"})
    assert asked.status_code == 200
    assert "Withdraw your registration?" in asked.get_data(as_text=True)
    assert _mine(user.email).status is RegistrationStatus.SUBMITTED
    done = client.submit(url, {"target": "withdrawn", "confirmed": "1"})
    assert done.status_code == 302
    assert _mine(user.email).status is RegistrationStatus.WITHDRAWN

    page = client.get("/meetings/POA-WALK/register").get_data(as_text=True)
    assert "You withdrew your registration for this meeting." in page
    assert "Reopen my registration" in page
    reopened = client.submit(
        url, {"target": "draft", "next": f"/registrations/{registration.id}/edit"}
    )
    assert reopened.headers["Location"] == f"/registrations/{registration.id}/edit"
    again = _mine(user.email)
    assert again.status is RegistrationStatus.DRAFT
    assert again.id == registration.id  # the same registration, its details kept
    assert again.family_name == registration.family_name
    edit = client.get(reopened.headers["Location"]).get_data(as_text=True)
    assert "open again, as a draft: check your details and submit it" in edit

    # A draft is not "already registered": the register page and the dashboard say it is
    # unfinished and lead to the form that submits it.
    page = client.get("/meetings/POA-WALK/register").get_data(as_text=True)
    assert "You are already registered" not in page
    assert "have not submitted it" in page
    assert f"/registrations/{registration.id}/edit" in page
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "Unfinished registrations" in dashboard
    assert f"/registrations/{registration.id}/edit" in dashboard


def test_a_submitted_registration_says_what_happens_next_and_can_still_be_changed(
    client, login, meeting
) -> None:
    user = login(Role.DELEGATE)
    make_user(roles=[Role.FOCAL_POINT], state=state_by_code("GH"))
    registration = register(user, meeting)
    db.session.commit()
    page = client.get(f"/registrations/{registration.id}").get_data(as_text=True)
    assert "What happens next" in page
    assert "Your focal point" in page
    assert "Until it is approved you can still change it." in page
    assert f'href="/registrations/{registration.id}/edit"' in page
    changed = client.submit(
        f"/registrations/{registration.id}/edit",
        {
            **_form(family_name="Diallo-Sow", email=user.email),
            "nomination_letter": (io.BytesIO(b""), ""),
        },
        content_type="multipart/form-data",
    )
    assert changed.status_code == 302
    assert _mine(user.email).family_name == "Diallo-Sow"
    assert _mine(user.email).status is RegistrationStatus.SUBMITTED


def test_the_focal_point_sees_no_submit_button_on_another_person_s_draft(
    client, login, meeting
) -> None:
    focal_point = make_user(roles=[Role.FOCAL_POINT], state=state_by_code("GH"))
    draft = register(make_user(), meeting, submit=False)
    db.session.commit()
    login(focal_point)
    page = client.get(f"/delegations/{draft.delegation_id}").get_data(as_text=True)
    assert ">Submit<" not in page
    assert client.submit(f"/registrations/{draft.id}/status", {"target": "submitted"})
    assert _mine(draft.email).status is RegistrationStatus.DRAFT
