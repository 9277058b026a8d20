from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa

from meetings.auth.models import Role, User
from meetings.extensions import db
from meetings.reference.models import OrganisationKind
from meetings.reference.services import state_by_code
from meetings.registration import delegations, services
from meetings.registration.models import Registration, RegistrationStatus
from meetings.registration.workflow import transition
from tests.factories.auth import make_user
from tests.factories.registration import (
    PDF,
    for_organisation,
    for_state,
    letter,
    make_open_meeting,
    ngo,
    register,
)
from tests.support import form_errors


def _form(meeting_state="GH", **changes):
    state = state_by_code(meeting_state)
    data = {
        "category": "member_state",
        "member_state_id": str(state.id),
        "role": "adviser",
        "courtesy_title": "Ms.",
        "given_names": "Amina",
        "family_name": "Diallo",
        "functional_title": "Counsellor",
        "gender": "female",
        "email": "amina@example.org",
        "phone": "+1 212 555 0100",
        "based_in": "mission",
        "consent_to_publish": "y",
        "submit": "1",
        "nomination_letter": (io.BytesIO(PDF), "letter.pdf"),
    }
    data.update(changes)
    return data


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) or 0


@pytest.fixture
def meeting():
    found = make_open_meeting(code="POA-OPEN")
    db.session.commit()
    return found


def _post(client, data):
    return client.submit("/meetings/POA-OPEN/register", data, content_type="multipart/form-data")


def test_a_delegate_registers_with_a_nomination_letter(client, login, meeting, outbox) -> None:
    user = login(Role.DELEGATE)
    response = _post(client, _form(email=user.email))
    assert response.status_code == 302
    registration = db.session.scalar(
        sa.select(Registration).where(Registration.email == user.email)
    )
    assert registration.status is RegistrationStatus.SUBMITTED
    download = client.get(f"/registrations/{registration.id}/letter")
    assert download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment")
    download.close()
    assert user.email in [m["To"] for m in outbox]


@pytest.mark.parametrize(
    ("changes", "field", "message", "status"),
    [
        (
            {"nomination_letter": (io.BytesIO(b""), "")},
            "nomination_letter",
            "Upload the nomination letter",
            422,
        ),
        (
            {"nomination_letter": (io.BytesIO(b"%PDX not really"), "letter.pdf")},
            "nomination_letter",
            "not a PDF, PNG or JPEG",
            422,
        ),
        (
            {"nomination_letter": (io.BytesIO(PDF + b"0" * (11 * 2**20)), "big.pdf")},
            "nomination_letter",
            "larger than 10 MB",
            413,
        ),
        ({"family_name": ""}, "family_name", "This field is required.", 422),
    ],
)
def test_bad_input_is_shown_beside_the_field_keeps_what_was_typed_and_saves_nothing(
    client, login, meeting, changes, field, message, status
) -> None:
    user = login(Role.DELEGATE)
    before = _count()
    response = _post(client, _form(email=user.email, **changes))
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html
    assert message in " ".join(form_errors(response))
    assert 'value="Counsellor"' in html
    assert 'value="+1 212 555 0100"' in html
    assert _count() == before


def test_already_registered_is_said_before_the_form_with_a_link(client, login, meeting) -> None:
    user = login(Role.DELEGATE)
    mine = register(user, meeting)
    db.session.commit()
    page = client.get("/meetings/POA-OPEN/register").get_data(as_text=True)
    assert "You are already registered for this meeting." in page
    assert f'href="/registrations/{mine.id}"' in page
    assert 'name="given_names"' not in page
    before = _count()
    response = _post(client, _form())
    assert response.status_code == 200
    assert "You are already registered for this meeting." in response.get_data(as_text=True)
    assert _count() == before


def test_a_closed_meeting_says_so_before_any_form(client, login, meeting, now) -> None:
    from datetime import UTC, datetime

    login(Role.DELEGATE)
    now(datetime(2018, 6, 9, tzinfo=UTC))
    before = _count()
    page = client.get("/meetings/POA-OPEN/register").get_data(as_text=True)
    assert "closed on June 8, 2018 at 18:00 EDT" in page
    assert 'name="given_names"' not in page  # no form to fill in vain
    response = _post(client, _form())
    assert "closed on June 8, 2018 at 18:00 EDT" in response.get_data(as_text=True)
    assert _count() == before


def test_a_full_cap_is_explained_and_nothing_is_saved(client, login, meeting) -> None:
    delegations.set_cap(None, meeting, OrganisationKind.NGO, 1)
    organisation = ngo()
    register(
        make_user(),
        meeting,
        affiliation=for_organisation(organisation),
    )
    db.session.commit()
    login(Role.DELEGATE)
    before = _count()
    response = _post(client, _form(category="ngo", member_state_id="", ngo_id=str(organisation.id)))
    assert response.status_code == 422
    assert "the most this meeting allows" in response.get_data(as_text=True)
    assert _count() == before


# --- access: guessing ids reveals nothing --------------------------------------------------------


@pytest.fixture
def two_states(meeting):
    ghana_fp = make_user(roles=[Role.FOCAL_POINT], state=state_by_code("GH"))
    kenya_fp = make_user(roles=[Role.FOCAL_POINT], state=state_by_code("KE"))
    kenyan_user = make_user()
    kenyan = register(kenyan_user, meeting, for_state("KE"))
    kenya = services.focal_point_delegation(kenya_fp, meeting)
    delegations.set_nomination(
        kenya_fp,
        kenya,
        reference="KE/1",
        issued_on=None,
        upload=letter(),
    )
    transition(kenya_fp, kenyan, RegistrationStatus.APPROVED)
    transition(None, kenyan, RegistrationStatus.ACCREDITED)
    db.session.commit()
    return ghana_fp, kenyan, kenya


GETS = [
    "/registrations/{r}",
    "/registrations/{r}/edit",
    "/registrations/{r}/letter",
    "/registrations/{r}/badge",
    "/delegations/{d}",
    "/delegations/{d}/nomination",
]
POSTS = [
    "/registrations/{r}/status",
    "/registrations/{r}/edit",
    "/delegations/{d}/nomination",
    "/delegations/{d}/members",
    "/delegations/{d}/invitations",
    "/delegations/{d}/head",
    "/delegations/{d}/credentials",
]


@pytest.mark.parametrize("who", ["focal point of another State", "another delegate"])
def test_nothing_of_another_delegation_can_be_read_or_changed_by_guessing_ids(
    client, login, two_states, who
) -> None:
    ghana_fp, kenyan, kenya = two_states
    login(ghana_fp if who.startswith("focal") else make_user())
    for url in GETS:
        assert client.get(url.format(r=kenyan.id, d=kenya.id)).status_code == 404, url
    for url in POSTS:
        response = client.submit(
            url.format(r=kenyan.id, d=kenya.id),
            {
                "target": "withdrawn",
                "status": "accepted",
                "registration_id": kenyan.id,
                "reference": "X",
                "issued_on": "2018-05-01",
                "email": "x@example.org",
                "role": "adviser",
            },
        )
        assert response.status_code == 404, url
    db.session.refresh(kenyan)
    assert kenyan.status is RegistrationStatus.ACCREDITED


def test_only_the_participant_gets_the_edit_form_until_the_focal_point_acts(
    client, login, meeting
) -> None:
    ghana_fp = make_user(roles=[Role.FOCAL_POINT], state=state_by_code("GH"))
    owner = make_user()
    draft = register(owner, meeting, submit=False)
    submitted = register(owner, make_open_meeting())
    approved = register(owner, make_open_meeting())
    transition(ghana_fp, approved, RegistrationStatus.APPROVED)
    db.session.commit()
    for someone in (ghana_fp, make_user(roles=[Role.SECRETARIAT])):
        login(someone)
        assert client.get(f"/registrations/{draft.id}/edit").status_code == 403
        assert client.get(f"/registrations/{draft.id}").status_code == 200  # they may read it
    login(owner)
    assert client.get(f"/registrations/{draft.id}/edit").status_code == 200
    assert client.get(f"/registrations/{submitted.id}/edit").status_code == 200
    response = client.get(f"/registrations/{approved.id}/edit")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/registrations/{approved.id}"
    page = client.get(f"/registrations/{approved.id}").get_data(as_text=True)
    assert "can no longer be changed here" in page


def test_the_participant_sees_their_registration_and_badge(client, login, two_states) -> None:
    _, kenyan, _ = two_states
    login(db.session.get(User, kenyan.user_id))
    html = client.get(f"/registrations/{kenyan.id}").get_data(as_text=True)
    assert "accredited" in html
    badge = client.get(f"/registrations/{kenyan.id}/badge").get_data(as_text=True)
    assert kenyan.family_name in badge
    assert "Preview — not valid" in badge  # the secretariat prints the pass (test_badges.py)


# --- the secretariat -----------------------------------------------------------------------------


def _bulk_registrations(meeting, count: int) -> None:
    kenya = services.delegation_of(meeting, state_by_code("KE"), None)
    start = _count()
    rows = [
        {
            "meeting_id": meeting.id,
            "delegation_id": kenya.id,
            "category": "member_state",
            "role": "adviser",
            "given_names": f"Given{n}",
            "family_name": f"Family{n:05d}",
            "functional_title": "Counsellor",
            "gender": "female" if n % 2 else "male",
            "email": f"bulk{n}@example.org",
            "status": "submitted",
            "consent_to_publish": True,
            "added_on_behalf": True,
            "courtesy_title": "",
            "phone": "",
        }
        for n in range(start, start + count)
    ]
    db.session.execute(sa.insert(Registration), rows)
    db.session.commit()


def test_the_registrations_list_and_statistics_use_the_same_queries_for_100_and_10000(
    client, login, meeting, queries
) -> None:
    login(Role.SECRETARIAT)
    counts: dict[str, list[int]] = {"list": [], "statistics": []}
    for total in (100, 10_000):
        _bulk_registrations(meeting, total - _count())
        for name, url in (
            ("list", f"/secretariat/registrations?meeting={meeting.id}&q=family"),
            ("statistics", "/secretariat/meetings/POA-OPEN/statistics"),
        ):
            with queries() as counted:
                assert client.get(url).status_code == 200
            counts[name].append(counted.count)
    assert counts["list"][0] == counts["list"][1], counts
    assert counts["statistics"][0] == counts["statistics"][1], counts


def test_a_long_list_counts_no_further_than_its_limit(client, login, meeting, monkeypatch) -> None:
    from meetings.registration import queries as registration_queries

    monkeypatch.setattr(registration_queries, "LIST_COUNT_LIMIT", 120)
    login(Role.SECRETARIAT)
    _bulk_registrations(meeting, 200)
    html = client.get("/secretariat/registrations").get_data(as_text=True)
    assert "Showing 1–50 of more than 120: filter the list to see the rest" in html
    last = client.get("/secretariat/registrations?page=9").get_data(as_text=True)
    assert "Page 3 of 3" in last  # pages up to the limit
    html = client.get(f"/secretariat/registrations?meeting={meeting.id}&q=family0000").get_data(
        as_text=True
    )
    assert "more than" not in html


def test_the_list_filters_and_searches(client, login, meeting) -> None:
    register(make_user(email="kofi@example.org"), meeting, for_state("GH"), family_name="Mensah")
    register(make_user(), meeting, for_state("NO"), family_name="Berg")
    db.session.commit()
    login(Role.SECRETARIAT)
    ghana = state_by_code("GH")
    html = client.get(f"/secretariat/registrations?state={ghana.id}").get_data(as_text=True)
    assert "MENSAH" in html
    assert "BERG" not in html
    html = client.get("/secretariat/registrations?q=KOFI@").get_data(as_text=True)
    assert "MENSAH" in html
    assert "BERG" not in html
    group = ghana.regional_group_id
    html = client.get(f"/secretariat/registrations?group={group}").get_data(as_text=True)
    assert "MENSAH" in html
    assert "BERG" not in html


def test_bulk_accreditation_of_the_selected_rows(client, login, meeting) -> None:
    approved = []
    for _ in range(3):
        registration = register(make_user(), meeting)
        transition(None, registration, RegistrationStatus.APPROVED)
        approved.append(registration)
    still_submitted = register(make_user(), meeting)
    db.session.commit()
    login(Role.SECRETARIAT)
    response = client.submit(
        "/secretariat/registrations/accredit",
        {"registration": [str(r.id) for r in [*approved[:2], still_submitted]]},
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert "2 registrations accredited." in html
    assert "cannot become accredited" in html
    statuses = [db.session.get(Registration, r.id).status for r in approved]
    assert statuses == [RegistrationStatus.ACCREDITED] * 2 + [RegistrationStatus.APPROVED]


def test_bulk_accreditation_with_nothing_selected_says_one_thing(client, login, meeting) -> None:
    login(Role.SECRETARIAT)
    response = client.submit(
        "/secretariat/registrations/accredit", {"back": "/secretariat/registrations"}
    )
    assert response.status_code == 302
    html = client.get("/secretariat/registrations").get_data(as_text=True)
    assert html.count('class="flash flash-') == 1
    assert "Select the registrations to accredit." in html


def test_check_in_page_records_once_and_then_says_when(client, login, meeting) -> None:
    from meetings.registration.badges import check_in_token

    registration = register(make_user(), meeting)
    transition(None, registration, RegistrationStatus.APPROVED)
    transition(None, registration, RegistrationStatus.ACCREDITED)
    db.session.commit()
    login(Role.SECRETARIAT)
    token = check_in_token(registration)
    first = client.submit("/secretariat/check-in", {"token": token}).get_data(as_text=True)
    assert "is checked in" in first
    second = client.submit("/secretariat/check-in", {"token": token}).get_data(as_text=True)
    assert re.search(r"is already checked in at .*EDT", second)


def test_the_csv_export_streams(client, login, meeting) -> None:
    for _ in range(3):
        register(make_user(), meeting)
    db.session.commit()
    login(Role.SECRETARIAT)
    response = client.get("/secretariat/meetings/POA-OPEN/registrations.csv")
    assert response.was_streamed
    assert response.mimetype == "text/csv"
    assert len(response.get_data(as_text=True).strip().splitlines()) == 4


def test_the_public_list_of_participants(client, meeting) -> None:
    registration = register(make_user(), meeting, for_state("GH"), family_name="Mensah")
    transition(None, registration, RegistrationStatus.APPROVED)
    transition(None, registration, RegistrationStatus.ACCREDITED)
    db.session.commit()
    html = client.get("/meetings/POA-OPEN/participants").get_data(as_text=True)
    assert "Member States" in html
    assert "Ghana" in html
    assert "Mensah" in html
    csv_text = client.get("/meetings/POA-OPEN/participants?format=csv").get_data(as_text=True)
    assert csv_text.startswith("\ufeffGroup,Delegation,Role,Name,Title")
    assert "Member State,Ghana,Adviser," in csv_text


def test_the_secretariat_registers_after_the_deadline_with_a_reason(
    client, login, meeting, now
) -> None:
    from datetime import UTC, datetime

    login(Role.SECRETARIAT)
    now(datetime(2018, 6, 10, tzinfo=UTC))
    data = _form(email="late@example.org")
    data.pop("nomination_letter")
    data.pop("submit")
    response = client.submit("/secretariat/meetings/POA-OPEN/register", data)
    assert response.status_code == 422
    assert 'id="late_registration_reason-error"' in response.get_data(as_text=True)
    response = client.submit(
        "/secretariat/meetings/POA-OPEN/register",
        {**data, "late_registration_reason": "Replacement of the head"},
    )
    assert response.status_code == 302
    late = db.session.scalar(
        sa.select(Registration).where(Registration.email == "late@example.org")
    )
    assert late.late_registration_reason == "Replacement of the head"


def test_the_focal_point_approves_from_the_delegation_page(client, login, meeting) -> None:
    focal_point = login(Role.FOCAL_POINT, state=state_by_code("GH"))
    registration = register(make_user(), meeting, for_state("GH"))
    db.session.commit()
    page = client.get(f"/delegations/{registration.delegation_id}").get_data(as_text=True)
    assert "Approve" in page
    response = client.submit(
        f"/registrations/{registration.id}/status",
        {"target": "approved", "next": f"/delegations/{registration.delegation_id}"},
    )
    assert response.headers["Location"] == f"/delegations/{registration.delegation_id}"
    db.session.refresh(registration)
    assert registration.status is RegistrationStatus.APPROVED
    assert focal_point.id != registration.user_id


def test_the_error_summary_lists_problems_in_the_order_of_the_page(client, login, meeting) -> None:
    user = login(Role.DELEGATE)
    response = _post(
        client, _form(email=user.email, category=None, family_name="", member_state_id=None)
    )
    html = response.get_data(as_text=True)
    summary = html[html.index('class="error-summary"') :]
    summary = summary[: summary.index("</ul>")]
    assert summary.index('href="#category') < summary.index('href="#family_name"')
