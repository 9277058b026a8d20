"""Grounds passes: the photo (checked, cropped, re-encoded), who sees it, who prints the pass."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from meetings.auth.models import Role
from meetings.documents.photos import SIZE, passport_photo
from meetings.documents.storage import read_upload
from meetings.errors import DomainError, PermissionDenied
from meetings.extensions import db
from meetings.reference.services import state_by_code
from meetings.registration import badges
from meetings.registration.models import RegistrationStatus
from meetings.registration.workflow import transition
from tests.factories.auth import make_user
from tests.factories.registration import PDF, make_open_meeting, photo_bytes, register


def _upload(data: bytes, name: str = "me.jpg"):
    return read_upload(io.BytesIO(data), name, field="photo")


@pytest.mark.parametrize(("width", "height"), [(600, 800), (1600, 900), (300, 390)])
def test_a_photo_is_cropped_to_the_passport_ratio_and_re_encoded(width: int, height: int) -> None:
    source = Image.new("RGB", (width, height), (10, 20, 30))
    exif = Image.Exif()
    exif[0x010F] = "Secret camera"  # Make
    buffer = io.BytesIO()
    source.save(buffer, format="JPEG", exif=exif)
    photo = passport_photo(_upload(buffer.getvalue()), field="photo")
    result = Image.open(io.BytesIO(photo.data))
    assert (result.format, result.size) == ("JPEG", SIZE)
    assert not result.getexif()  # nothing of the original file but the picture
    assert photo.content_type == "image/jpeg"


def test_a_png_is_accepted_and_becomes_a_jpeg() -> None:
    photo = passport_photo(_upload(photo_bytes(kind="PNG"), "me.png"), field="photo")
    assert Image.open(io.BytesIO(photo.data)).format == "JPEG"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (PDF, "A photo is a JPEG or PNG image."),
        (b"\xff\xd8\xff" + b"not really a jpeg" * 20, "could not be read as an image"),
        (photo_bytes(100, 120), "too small to recognise a face"),
    ],
)
def test_what_is_not_a_usable_photo_is_refused_beside_the_field(data: bytes, message: str) -> None:
    with pytest.raises(DomainError, match=message) as caught:
        passport_photo(_upload(data), field="photo")
    assert caught.value.field == "photo"


def _accredited(user=None, **overrides):
    registration = register(user or make_user(), make_open_meeting(), **overrides)
    transition(None, registration, RegistrationStatus.APPROVED)
    transition(None, registration, RegistrationStatus.ACCREDITED)
    return registration


def test_the_participant_changes_the_photo_until_accreditation_the_secretariat_always() -> None:
    owner = make_user()
    registration = register(owner, make_open_meeting())
    badges.set_photo(owner, registration, _upload(photo_bytes()))
    assert registration.photo_id is not None
    transition(None, registration, RegistrationStatus.APPROVED)
    transition(None, registration, RegistrationStatus.ACCREDITED)
    with pytest.raises(PermissionDenied):
        badges.set_photo(owner, registration, _upload(photo_bytes()))
    secretariat = make_user(roles=[Role.SECRETARIAT])
    first = registration.photo_id
    badges.set_photo(secretariat, registration, _upload(photo_bytes()))
    assert registration.photo_id != first
    with pytest.raises(PermissionDenied):
        badges.set_photo(make_user(), registration, _upload(photo_bytes()))


def test_the_participant_sees_a_preview_the_secretariat_prints_the_pass(client, login) -> None:
    owner = make_user()
    registration = _accredited(owner)
    badges.set_photo(make_user(roles=[Role.SECRETARIAT]), registration, _upload(photo_bytes()))
    db.session.commit()
    login(owner)
    preview = client.get(f"/registrations/{registration.id}/badge").get_data(as_text=True)
    assert "Preview — not valid" in preview
    assert "pass-qr" not in preview
    assert "data-print" not in preview
    assert "pass-member_state" in preview
    assert "June 18, 2018 – June 29, 2018" in preview
    shown = client.get(f"/registrations/{registration.id}/photo")
    assert shown.headers["Content-Type"] == "image/jpeg"
    assert "attachment" not in shown.headers.get("Content-Disposition", "")
    assert shown.headers["Content-Security-Policy"].startswith("default-src 'none'")
    shown.close()
    login(Role.SECRETARIAT)
    printed = client.get(f"/registrations/{registration.id}/badge").get_data(as_text=True)
    assert "pass-qr" in printed
    # Printing goes through the batch, which marks the pass printed and counts reprints.
    assert 'action="/secretariat/passes/print"' in printed
    assert "Not printed yet." in printed
    assert "Preview — not valid" not in printed


def test_nobody_else_sees_the_photo(client, login) -> None:
    registration = _accredited()
    badges.set_photo(make_user(roles=[Role.SECRETARIAT]), registration, _upload(photo_bytes()))
    db.session.commit()
    login(Role.FOCAL_POINT, state=state_by_code("KE"))  # another State's focal point
    assert client.get(f"/registrations/{registration.id}/photo").status_code == 404
    login(Role.DELEGATE)
    assert client.get(f"/registrations/{registration.id}/photo").status_code == 404


def test_the_photo_is_uploaded_from_the_detail_page(client, login) -> None:
    owner = login(Role.DELEGATE)
    registration = register(owner, make_open_meeting())
    db.session.commit()
    page = client.get(f"/registrations/{registration.id}").get_data(as_text=True)
    assert f'action="/registrations/{registration.id}/photo"' in page
    response = client.submit(
        f"/registrations/{registration.id}/photo",
        {"photo": (io.BytesIO(photo_bytes()), "me.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    db.session.refresh(registration)
    assert registration.photo_id is not None
    refused = client.submit(
        f"/registrations/{registration.id}/photo",
        {"photo": (io.BytesIO(PDF), "me.pdf")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 302
    assert "A photo is a JPEG or PNG image." in client.get(
        f"/registrations/{registration.id}"
    ).get_data(as_text=True)


def test_the_desk_finds_people_by_name_shows_their_photo_and_counts(client, login) -> None:
    meeting = make_open_meeting(code="DESK-1")
    amina = register(make_user(), meeting, given_names="Amina", family_name="Diallo")
    other = register(make_user(), meeting, given_names="Kofi", family_name="Mensah")
    pending = register(make_user(), meeting, given_names="Amina", family_name="Traoré")
    for person in (amina, other):
        transition(None, person, RegistrationStatus.APPROVED)
        transition(None, person, RegistrationStatus.ACCREDITED)
    secretariat = make_user(roles=[Role.SECRETARIAT])
    badges.set_photo(secretariat, amina, _upload(photo_bytes()))
    db.session.commit()
    login(secretariat)
    page = client.get(f"/secretariat/check-in?meeting={meeting.id}&q=amina").get_data(as_text=True)
    assert "0 of 2 accredited people have checked in." in page
    assert "Amina Diallo" in page
    assert "Traoré" not in page  # not accredited: not someone the desk lets in
    assert "Mensah" not in page
    assert f'src="/registrations/{amina.id}/photo"' in page
    done = client.submit(
        f"/secretariat/check-in/{amina.id}", {"meeting": str(meeting.id)}
    ).get_data(as_text=True)
    assert "is checked in" in done
    assert "1 of 2 accredited people have checked in." in done
    assert client.get(f"/secretariat/check-in/count?meeting={meeting.id}").get_json() == {
        "checked_in": 1,
        "accredited": 2,
    }
    refused = client.submit(f"/secretariat/check-in/{pending.id}", {"meeting": str(meeting.id)})
    assert "not accredited" in refused.get_data(as_text=True)


def test_the_photo_hint_speaks_of_replacing_once_a_photo_is_there(client, login) -> None:
    owner = make_user()
    registration = register(owner, make_open_meeting())
    db.session.commit()
    login(owner)
    page = client.get(f"/registrations/{registration.id}").get_data(as_text=True)
    assert "You can add it later" not in page
    assert "passport-style photo" in page
    badges.set_photo(owner, registration, _upload(photo_bytes()))
    db.session.commit()
    page = client.get(f"/registrations/{registration.id}").get_data(as_text=True)
    assert "Upload a new photo only to replace the one you sent." in page
    assert "You can add it later" not in page
