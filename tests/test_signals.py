"""Values kept in a process (the schedule stamps) are checked against a change signal that every
worker and host reads: a file in the instance folder by default, Redis when configured."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from meetings.cache import ChangeSignal, FileSignal, RedisSignal
from meetings.schedule.versions import ScheduleStamp, StampMemo
from tests.test_cache import REDIS_URL


def _redis_or_skip() -> None:
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.RedisError:
        pytest.skip("no Redis at 127.0.0.1:6379")


@pytest.fixture(params=["file", "redis"])
def two_processes(request, tmp_path: Path) -> Iterator[tuple[ChangeSignal, ChangeSignal]]:
    """The same signal as two processes (or hosts) see it: two objects that share nothing but
    the file or the Redis key."""
    if request.param == "file":
        yield FileSignal(tmp_path / "schedule"), FileSignal(tmp_path / "schedule")
        return
    _redis_or_skip()
    name = f"test-{request.node.name}"
    redis.Redis.from_url(REDIS_URL).delete(f"meetings:signal:{name}")
    yield RedisSignal(REDIS_URL, name), RedisSignal(REDIS_URL, name)


def _stamp(version: str) -> ScheduleStamp:
    from datetime import UTC, datetime

    return ScheduleStamp(1, "POA", True, version, datetime(2018, 6, 18, tzinfo=UTC))


class Database:
    """What the lookup would read, and how often it was asked."""

    def __init__(self) -> None:
        self.version = "v1"
        self.lookups = 0

    def lookup(self) -> ScheduleStamp:
        self.lookups += 1
        return _stamp(self.version)


def _arrived(signal: ChangeSignal, differs_from: object) -> object:
    """What ``signal`` reads once a change has reached it: at once for the file; for Redis, as
    soon as the published message arrives (a millisecond or so; given a second here)."""
    deadline = time.monotonic() + (1.0 if isinstance(signal, RedisSignal) else 0.0)
    while True:
        value = signal.current()
        if value != differs_from or time.monotonic() >= deadline:
            return value
        time.sleep(0.001)


def test_a_bump_anywhere_changes_what_every_process_reads(two_processes) -> None:
    here, there = two_processes
    before = here.current()
    assert before is not None
    assert here.current() == before
    there.bump()
    assert _arrived(here, before) != before
    assert _arrived(there, before) == here.current()


def test_while_not_subscribed_every_read_asks_redis() -> None:
    _redis_or_skip()
    here, there = RedisSignal(REDIS_URL, "test-unsubscribed"), RedisSignal(REDIS_URL, "x")
    there.key = here.key
    here._pid = os.getpid()  # as if its subscriber were starting: nothing live yet
    before = here.current()
    there.bump()
    assert here.current() != before  # read from Redis, not from memory
    redis.Redis.from_url(REDIS_URL).delete(here.key)


def test_a_subscribed_process_reads_memory_not_redis(monkeypatch) -> None:
    _redis_or_skip()
    signal = RedisSignal(REDIS_URL, "test-subscribed")
    signal.current()
    assert signal._live.wait(2)
    monkeypatch.setattr(signal.client, "get", lambda _key: pytest.fail("a round trip"))
    assert signal.current() == signal.current()


def test_a_kept_stamp_is_used_until_another_process_signals_a_change(two_processes) -> None:
    here, there = two_processes
    memo, database = StampMemo(here, seconds=60), Database()
    assert memo.get("POA", database.lookup).version == "v1"
    assert memo.get("POA", database.lookup).version == "v1"
    assert database.lookups == 1  # kept
    database.version = "v2"  # another worker commits a change ...
    before = here.current()
    there.bump()  # ... and signals it after the commit
    _arrived(here, before)
    assert memo.get("POA", database.lookup).version == "v2"
    assert database.lookups == 2


def test_a_stamp_is_kept_no_longer_than_its_bound(tmp_path: Path) -> None:
    memo, database = StampMemo(FileSignal(tmp_path / "s"), seconds=0.0), Database()
    memo.get("POA", database.lookup)
    database.version = "v2"  # written outside the application: no signal
    assert memo.get("POA", database.lookup).version == "v2"


def test_an_unknown_meeting_and_an_unreadable_signal_are_never_kept(tmp_path: Path) -> None:
    class Unreadable:
        def current(self) -> object | None:
            return None

        def bump(self) -> None:
            return None

    memo, database = StampMemo(Unreadable(), seconds=60), Database()
    memo.get("POA", database.lookup)
    memo.get("POA", database.lookup)
    assert database.lookups == 2
    missing = StampMemo(FileSignal(tmp_path / "s"), seconds=60)
    calls = []
    assert missing.get("NONE", lambda: calls.append(1)) is None
    assert missing.get("NONE", lambda: calls.append(1)) is None
    assert len(calls) == 2


def test_an_unreachable_redis_keeps_nothing() -> None:
    signal = RedisSignal("redis://127.0.0.1:1/0", "schedule")
    assert signal.current() is None
    signal.bump()  # no error
