"""The application form as the focal point meets it: the nominee is a member or someone new, one
at a time, in words for the person filling it in; files attached to an attempt that fails are
kept; a submission lists everything missing, each beside its field."""

from __future__ import annotations

import re

import sqlalchemy as sa

from meetings.extensions import db
from meetings.sponsorship.models import Application
from meetings.sponsorship.models import ApplicationStatus as S
from tests.factories.sponsorship import applicant, application_form, make_call
from tests.support import form_errors

_form = application_form


def _kept_tokens(html: str) -> dict[str, str]:
    return dict(re.findall(r'name="(kept_\w+)"[^>]*value="([^"]+)"', html)) | {
        name: value for value, name in re.findall(r'value="([^"]+)"[^>]*name="(kept_\w+)"', html)
    }


def test_the_nominee_is_a_member_or_someone_new_in_words_for_the_focal_point(client, login) -> None:
    call = make_call()
    who = applicant(call.meetings[0], "SL")
    db.session.commit()
    login(who.focal_point)
    html = client.get(f"/sponsorship/calls/{call.id}/apply").get_data(as_text=True)
    assert "Who is the nominee?" in html
    member = re.search(r'<input[^>]*value="member"[^>]*>', html)
    assert member is not None
    assert "checked" in member.group(0)
    assert 'data-for="nominee_source-0"' in html
    assert 'data-for="nominee_source-1"' in html
    assert "The nominee agrees that their name may appear" in html
    assert "My name may appear" not in html
    assert "named by your focal point" not in html


def test_a_new_nominee_is_registered_with_the_application(client, login) -> None:
    call = make_call()
    who = applicant(call.meetings[0], "SL")
    db.session.commit()
    login(who.focal_point)
    person = {
        "role": "adviser",
        "courtesy_title": "Mr.",
        "given_names": "Ibrahim",
        "family_name": "Kamara",
        "functional_title": "Director",
        "gender": "male",
        "email": "kamara@example.org",
        "based_in": "capital",
    }
    response = client.submit(
        f"/sponsorship/calls/{call.id}/apply",
        _form(call.meetings[0].id, who.registration_id, nominee_source="new", **person),
    )
    assert response.status_code == 302, form_errors(response)
    application = db.session.scalars(sa.select(Application)).one()
    assert application.registration_id != who.registration_id
    assert application.status is S.SUBMITTED


def test_files_attached_to_a_failed_attempt_are_kept_and_used(client, login) -> None:
    call = make_call()
    who = applicant(call.meetings[0], "SL")
    db.session.commit()
    login(who.focal_point)
    url = f"/sponsorship/calls/{call.id}/apply"
    failed = client.submit(url, _form(call.meetings[0].id, who.registration_id, airfare="lots"))
    assert failed.status_code == 422
    html = failed.get_data(as_text=True)
    for name in ("nv.pdf", "form.pdf", "passport.pdf"):
        assert f"Kept from your last attempt: {name}." in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Application)) == 0
    tokens = _kept_tokens(html)
    assert set(tokens) == {"kept_note_verbale", "kept_nomination_form", "kept_passport_copy"}
    again = _form(
        call.meetings[0].id,
        who.registration_id,
        note_verbale=None,
        nomination_form=None,
        passport_copy=None,
        **tokens,
    )
    response = client.submit(url, again)
    assert response.status_code == 302, form_errors(response)
    application = db.session.scalars(sa.select(Application)).one()
    assert application.status is S.SUBMITTED
    assert application.note_verbale is not None
    assert application.note_verbale.original_name == "nv.pdf"
    assert application.passport_copy is not None
    assert application.passport_copy.original_name == "passport.pdf"


def test_kept_files_are_the_attaching_persons_only(client, login) -> None:
    call = make_call()
    who = applicant(call.meetings[0], "SL")
    other = applicant(call.meetings[0], "NP")
    db.session.commit()
    login(who.focal_point)
    url = f"/sponsorship/calls/{call.id}/apply"
    failed = client.submit(url, _form(call.meetings[0].id, who.registration_id, airfare="lots"))
    tokens = _kept_tokens(failed.get_data(as_text=True))
    login(other.focal_point)
    stolen = _form(
        call.meetings[0].id,
        other.registration_id,
        note_verbale=None,
        nomination_form=None,
        passport_copy=None,
        **tokens,
    )
    response = client.submit(url, stolen)
    assert response.status_code == 422
    assert "Kept from your last attempt" not in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Application)) == 0


def test_a_submission_lists_everything_missing_each_beside_its_field(client, login) -> None:
    call = make_call()
    who = applicant(call.meetings[0], "SL")
    db.session.commit()
    login(who.focal_point)
    response = client.submit(
        f"/sponsorship/calls/{call.id}/apply",
        _form(
            call.meetings[0].id,
            None,
            justification="",
            note_verbale=None,
            nomination_form=None,
            passport_copy=None,
        ),
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    for field in (
        "registration_id",
        "justification",
        "note_verbale",
        "nomination_form",
        "passport_copy",
    ):
        assert f'id="{field}-error"' in html, field
    summary = html[html.index("error-summary") : html.index("</ul>", html.index("error-summary"))]
    order = [summary.index(f'href="#{f}"') for f in ("registration_id", "justification")]
    assert order == sorted(order)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Application)) == 0
