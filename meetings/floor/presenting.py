"""The list of speakers as pages and JSON show it: each row's place, speaker, level and course.
A named speaker's name is public only when the person agreed to be on the published list of
participants; the secretariat and the State's own focal point always see it."""

from __future__ import annotations

from typing import Any

from meetings.floor import speakers
from meetings.floor.models import Inscription, InscriptionStatus, SpeakersList
from meetings.labels import label


def person(row: Inscription, *, everyone: bool) -> str:
    """Who speaks, by name ("" while to be confirmed, or when not for everyone's eyes)."""
    speaker = row.speaker
    if speaker is None or (everyone and not speaker.consent_to_publish):
        return ""
    title = f", {speaker.functional_title}" if speaker.functional_title else ""
    return f"{speaker.display_name}{title}"


def rows(
    found: SpeakersList, *, see_names_of: int | None = None, all_names: bool = False
) -> list[dict[str, Any]]:
    """Every inscription not withdrawn, in order; ``see_names_of`` (a State's id) and
    ``all_names`` show names the public does not see."""
    shown = []
    for place, row in enumerate(speakers.inscriptions(found), start=1):
        own = all_names or (see_names_of is not None and row.state_id == see_names_of)
        shown.append(
            {
                "id": row.id,
                "place": place,
                "speaker": speakers.speaker_name(row),
                "person": person(row, everyone=not own),
                "kind": row.kind.value,
                "level": str(label(row.level)),
                "status": row.status.value,
                "status_label": str(label(row.status)),
                "moved": row.moved,
            }
        )
    return shown


def waiting(shown: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in shown if r["status"] == InscriptionStatus.WAITING.value]


def clock_time(seconds: int) -> str:
    """A speaker's time as the timer shows it: 5:00, 1:30."""
    return f"{seconds // 60}:{seconds % 60:02d}"


def language_name(code: str) -> str:
    """An official language's name in the reader's language, from its code."""
    from meetings.floor.statement_models import StatementLanguage

    try:
        return str(label(StatementLanguage(code)))
    except ValueError:
        return code
