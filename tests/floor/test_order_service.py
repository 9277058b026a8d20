"""The ordering rule through the service and the database, over random sequences of
inscriptions, moves and absences: the speakers nobody moved are always by kind, level and time
of inscription, and a move or absence never reorders anyone else."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meetings import clock
from meetings.floor import speakers
from meetings.floor.models import InscriptionStatus
from meetings.floor.order import Level, SpeakerKind, natural_key
from tests.floor.conftest import OPENS
from tests.floor.factories import focal, open_list, state_id

CODES = ("GH", "KE", "PE", "NG", "SN", "CL", "FJ", "NP", "UY", "JM")
OTHERS = (SpeakerKind.IGO, SpeakerKind.UN_ENTITY, SpeakerKind.CIVIL_SOCIETY)

steps = st.lists(
    st.one_of(
        st.tuples(st.just("state"), st.sampled_from(CODES), st.sampled_from(list(Level))),
        st.tuples(st.just("other"), st.sampled_from(OTHERS), st.just(Level.OTHER)),
        st.tuples(st.just("move"), st.integers(0, 12), st.integers(0, 12)),
        st.tuples(st.just("absent"), st.integers(0, 12), st.just(None)),
    ),
    min_size=1,
    max_size=14,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=steps, pauses=st.lists(st.sampled_from([0, 0, 1, 30]), min_size=14, max_size=14))
def test_random_sequences_keep_the_order_by_level_then_time(monkeypatch, steps, pauses) -> None:
    desk, found = open_list()
    moment = OPENS + timedelta(minutes=1)
    focal_points = {}
    for (action, first, second), pause in zip(steps, pauses, strict=False):
        moment += timedelta(seconds=pause)  # 0: the same instant as the one before
        monkeypatch.setattr(clock, "now", lambda at=moment: at)
        waiting = speakers.inscriptions(found, waiting_only=True)
        before = [r.id for r in waiting]
        if action == "state":
            if speakers.own_inscription(found, state_id(first)):
                continue
            actor = focal_points.setdefault(first, focal(first))
            speakers.inscribe_state(actor, found, state_id(first), second, None)
        elif action == "other":
            speakers.inscribe_other(desk, found, first, f"Organisation {len(before)}")
        elif action == "move" and waiting:
            row = waiting[first % len(waiting)]
            speakers.move(desk, row, second, "A random move")
            after = [r.id for r in speakers.inscriptions(found, waiting_only=True)]
            assert [i for i in after if i != row.id] == [i for i in before if i != row.id]
        elif action == "absent" and waiting:
            row = waiting[first % len(waiting)]
            speakers.mark(desk, row, InscriptionStatus.ABSENT)
            after = [r.id for r in speakers.inscriptions(found, waiting_only=True)]
            assert [i for i in after if i != row.id] == [i for i in before if i != row.id]
        rows = speakers.inscriptions(found, waiting_only=True)
        unmoved = [r for r in rows if not r.moved]
        keys = [natural_key(speakers._entry(r)) for r in unmoved]
        assert keys == sorted(keys)
        assert len({r.position for r in rows}) == len(rows)
