"""The order of a list of speakers, as pure functions (the service stores what they decide).

States speak first, by the level of their speaker (Head of State or Government, Minister,
Vice-Minister, Permanent Representative, other), then by when they inscribed (to the microsecond;
two at the same instant by the order the database gave their rows); then groups of States,
intergovernmental organisations, United Nations entities and civil society, each by when they
were inscribed.

Every inscription holds a ``position`` (an integer, with gaps). A new inscription is placed by
that natural order among the inscriptions nobody moved; the secretariat may move one (with a
reason), which changes that one's position only. So the order is always the natural one except
for the moves made, and a move never reorders anyone else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

GAP = 1024


class Level(StrEnum):
    HEAD_OF_STATE = "head_of_state"
    MINISTER = "minister"
    VICE_MINISTER = "vice_minister"
    PERMANENT_REPRESENTATIVE = "permanent_representative"
    OTHER = "other"


class SpeakerKind(StrEnum):
    STATE = "state"
    GROUP = "group"  # a group of States, speaking through one State
    IGO = "igo"
    UN_ENTITY = "un_entity"
    CIVIL_SOCIETY = "civil_society"


LEVEL_RANK = {level: rank for rank, level in enumerate(Level)}
KIND_RANK = {kind: rank for rank, kind in enumerate(SpeakerKind)}


@dataclass(frozen=True)
class Entry:
    id: int
    kind: SpeakerKind
    level: Level
    inscribed_at: datetime
    position: int = 0
    moved: bool = False


def natural_key(entry: Entry) -> tuple[int, int, datetime, int]:
    level = LEVEL_RANK[entry.level] if entry.kind is SpeakerKind.STATE else 0
    return (KIND_RANK[entry.kind], level, entry.inscribed_at, entry.id)


def ordered(entries: Sequence[Entry]) -> list[Entry]:
    """The list as it stands: by position (the id settles a tie, which positions never have)."""
    return sorted(entries, key=lambda e: (e.position, e.id))


def _between(before: int | None, after: int | None) -> int | None:
    """A position strictly between two, or None when there is no room."""
    low = before if before is not None else (after - 2 * GAP if after is not None else 0)
    high = after if after is not None else low + 2 * GAP
    middle = (low + high) // 2
    return middle if low < middle < high else None


def renumbered(entries: Sequence[Entry]) -> list[Entry]:
    """The same order with even gaps again."""
    return [replace(e, position=(i + 1) * GAP) for i, e in enumerate(ordered(entries))]


def place(entries: Sequence[Entry], new: Entry) -> list[Entry]:
    """Every entry with ``new`` placed by the natural order among the unmoved ones: just before
    the first unmoved entry that comes after it naturally (at the end when none does)."""
    current = ordered(entries)
    key = natural_key(new)
    index = next(
        (i for i, e in enumerate(current) if not e.moved and natural_key(e) > key), len(current)
    )
    before = current[index - 1].position if index > 0 else None
    after = current[index].position if index < len(current) else None
    position = _between(before, after)
    if position is None:
        return place(renumbered(current), new)
    return ordered([*current, replace(new, position=position, moved=False)])


def move(entries: Sequence[Entry], entry_id: int, to_index: int) -> list[Entry]:
    """``entry_id`` moved to ``to_index`` (0 is first) of the list without it; no one else
    changes place."""
    current = ordered(entries)
    moving = next(e for e in current if e.id == entry_id)
    rest = [e for e in current if e.id != entry_id]
    to_index = max(0, min(to_index, len(rest)))
    before = rest[to_index - 1].position if to_index > 0 else None
    after = rest[to_index].position if to_index < len(rest) else None
    position = _between(before, after)
    if position is None:
        return move(renumbered(current), entry_id, to_index)
    return ordered([*rest, replace(moving, position=position, moved=True)])


def to_end(entries: Sequence[Entry], entry_id: int) -> list[Entry]:
    """An absent speaker goes to the end of the list (the rule for a first absence)."""
    return move(entries, entry_id, len(entries))


def swap(entries: Sequence[Entry], first_id: int, second_id: int) -> list[Entry]:
    """Two speakers exchange places (when both have agreed)."""
    by_id = {e.id: e for e in entries}
    a, b = by_id[first_id], by_id[second_id]
    by_id[first_id] = replace(a, position=b.position, moved=True)
    by_id[second_id] = replace(b, position=a.position, moved=True)
    return ordered(list(by_id.values()))
