from __future__ import annotations

import io
import itertools
from datetime import UTC, date, datetime

from meetings.documents.services import Upload, read_upload
from meetings.reference.models import Organisation, OrganisationKind
from meetings.reference.services import get_or_create_organisation, state_by_code
from meetings.registration import services
from meetings.registration.models import (
    BasedIn,
    DelegationRole,
    Gender,
    ParticipantCategory,
    Registration,
)
from meetings.schedule.models import Meeting, MeetingState
from meetings.schedule.services import change_meeting_state
from tests.factories.schedule import make_meeting

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
# While registration is open for make_open_meeting(): 1 May 2018.
DURING_REGISTRATION = datetime(2018, 5, 1, 12, 0, tzinfo=UTC)

_sequence = itertools.count(1)


def make_open_meeting(**kwargs: object) -> Meeting:
    """A meeting 18–29 June 2018 whose registration runs from 2 April to 8 June, 18:00 EDT."""
    meeting = make_meeting(registration=(date(2018, 4, 2), date(2018, 6, 8)), **kwargs)  # type: ignore[arg-type]
    change_meeting_state(None, meeting, MeetingState.REGISTRATION_OPEN)
    return meeting


def letter(data: bytes = PDF, name: str = "nomination.pdf") -> Upload:
    return read_upload(io.BytesIO(data), name, field="nomination_letter")


def person(**overrides: object) -> services.ParticipantData:
    n = next(_sequence)
    values: dict[str, object] = {
        "role": DelegationRole.ADVISER,
        "courtesy_title": "Ms.",
        "given_names": f"Given{n}",
        "family_name": f"Family{n}",
        "functional_title": "Counsellor",
        "gender": Gender.FEMALE,
        "email": f"participant{n}@example.org",
        "phone": "",
        "based_in": BasedIn.MISSION,
        "consent_to_publish": True,
    }
    values.update(overrides)
    return services.ParticipantData(**values)  # type: ignore[arg-type]


def for_state(code: str = "GH") -> services.Affiliation:
    state = state_by_code(code)
    assert state is not None
    category = (
        ParticipantCategory.MEMBER_STATE
        if state.un_status == "member"
        else ParticipantCategory.OBSERVER_STATE
    )
    return services.Affiliation(category, state_id=state.id)


def ngo(name: str = "Friends of Disarmament") -> Organisation:
    return get_or_create_organisation(name, None, OrganisationKind.NGO)


def for_organisation(organisation: Organisation) -> services.Affiliation:
    return services.Affiliation(ParticipantCategory.NGO, organisation_id=organisation.id)


def register(
    user,
    meeting: Meeting,
    affiliation: services.Affiliation | None = None,
    *,
    submit: bool = True,
    with_letter: bool = True,
    **person_overrides: object,
) -> Registration:
    person_overrides.setdefault("email", user.email)
    return services.register(
        user,
        meeting,
        affiliation or for_state(),
        person(**person_overrides),
        letter=letter() if with_letter else None,
        submit=submit,
    )


def photo_bytes(width: int = 600, height: int = 800, kind: str = "JPEG") -> bytes:
    """A real image (a face-sized rectangle on a plain background) for photo uploads."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), (200, 210, 220))
    ImageDraw.Draw(image).ellipse(
        (width // 4, height // 6, 3 * width // 4, 2 * height // 3), fill=(180, 140, 120)
    )
    buffer = io.BytesIO()
    image.save(buffer, format=kind)
    return buffer.getvalue()
