"""The order of a list of speakers: by kind, then level for States, then time of inscription;
moves and swaps change only what they move; new inscriptions slot in by the natural order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meetings.floor.order import (
    Entry,
    Level,
    SpeakerKind,
    move,
    natural_key,
    ordered,
    place,
    swap,
    to_end,
)

T0 = datetime(2018, 6, 18, 10, tzinfo=UTC)


def entry(id_: int, kind=SpeakerKind.STATE, level=Level.MINISTER, seconds=0.0) -> Entry:
    return Entry(id=id_, kind=kind, level=level, inscribed_at=T0 + timedelta(seconds=seconds))


def build(*entries: Entry) -> list[Entry]:
    found: list[Entry] = []
    for e in entries:
        found = place(found, e)
    return found


@pytest.mark.parametrize(
    ("inscriptions", "expected"),
    [
        # A later minister speaks before an earlier Permanent Representative.
        ([entry(1, level=Level.PERMANENT_REPRESENTATIVE), entry(2, seconds=5)], [2, 1]),
        # Same level: first come, first served, to the microsecond.
        ([entry(1, seconds=0.000002), entry(2, seconds=0.000001)], [2, 1]),
        # The same instant: the order the rows were written in.
        ([entry(2), entry(1)], [1, 2]),
        # States before groups, organisations, UN entities and civil society, whatever the time.
        (
            [
                entry(1, kind=SpeakerKind.CIVIL_SOCIETY, seconds=-100),
                entry(2, kind=SpeakerKind.IGO, seconds=-50),
                entry(3, level=Level.OTHER, seconds=10),
                entry(4, kind=SpeakerKind.GROUP, seconds=-10),
            ],
            [3, 4, 2, 1],
        ),
        # Heads of State first of all.
        ([entry(1), entry(2, level=Level.HEAD_OF_STATE, seconds=60)], [2, 1]),
    ],
)
def test_the_natural_order(inscriptions, expected) -> None:
    assert [e.id for e in build(*inscriptions)] == expected


inscriptions = st.lists(
    st.tuples(
        st.sampled_from(list(SpeakerKind)),
        st.sampled_from(list(Level)),
        st.integers(min_value=0, max_value=50),
    ),
    min_size=1,
    max_size=40,
)


def _entries(drawn) -> list[Entry]:
    return [
        entry(i + 1, kind=kind, level=level, seconds=seconds)
        for i, (kind, level, seconds) in enumerate(drawn)
    ]


@settings(max_examples=200, deadline=None)
@given(inscriptions)
def test_without_moves_the_order_is_the_natural_one(drawn) -> None:
    entries = _entries(drawn)
    assert [e.id for e in build(*entries)] == [e.id for e in sorted(entries, key=natural_key)]


@settings(max_examples=200, deadline=None)
@given(inscriptions, st.data())
def test_moves_change_only_what_they_move_and_newcomers_keep_the_natural_order(drawn, data) -> None:
    entries = _entries(drawn)
    half = len(entries) // 2
    current = build(*entries[:half]) if half else []
    moved: set[int] = set()
    for _ in range(data.draw(st.integers(min_value=0, max_value=3))):
        if not current:
            break
        target = data.draw(st.sampled_from([e.id for e in current]))
        index = data.draw(st.integers(min_value=0, max_value=len(current)))
        before = [e.id for e in current if e.id != target]
        current = move(current, target, index)
        after = [e.id for e in current if e.id != target]
        assert before == after  # nobody else changed place
        assert [e.id for e in ordered(current)].index(target) == min(index, len(current) - 1)
        moved.add(target)
    for newcomer in entries[half:]:
        current = place(current, newcomer)
    unmoved = [e for e in ordered(current) if e.id not in moved]
    assert [e.id for e in unmoved] == [e.id for e in sorted(unmoved, key=natural_key)]
    assert len({e.position for e in current}) == len(current)  # no two share a place


def test_an_absent_speaker_goes_to_the_end_and_a_swap_exchanges_two() -> None:
    current = build(entry(1), entry(2, seconds=1), entry(3, seconds=2))
    assert [e.id for e in to_end(current, 1)] == [2, 3, 1]
    assert [e.id for e in swap(current, 1, 3)] == [3, 2, 1]


def test_crowded_positions_are_renumbered_without_changing_the_order() -> None:
    current = build(entry(1), entry(2, seconds=1))
    for _ in range(30):  # always between the same two: the gap runs out, then is remade
        current = move(current, 2, 1) if current[1].id != 2 else move(current, 1, 1)
    assert sorted(e.id for e in current) == [1, 2]
    assert len({e.position for e in current}) == 2
