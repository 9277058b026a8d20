"""The byte cache behind calendar feeds: memory by default, Redis when MEETINGS_REDIS_URL is set."""

from __future__ import annotations

import pytest
import redis

from meetings.cache import MemoryCache, RedisCache

REDIS_URL = "redis://127.0.0.1:6379/15"


def test_the_memory_cache_keeps_the_most_recent_within_its_size() -> None:
    cache = MemoryCache(max_bytes=10)
    cache.set("a", b"12345", 60)
    cache.set("b", b"12345", 60)
    assert cache.get("a") == b"12345"  # a is now the most recently used
    cache.set("c", b"12345", 60)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (b"12345", None, b"12345")
    cache.set("huge", b"x" * 11, 60)
    assert cache.get("huge") is None


def test_the_redis_cache_shares_bytes_between_processes() -> None:
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.RedisError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    client = redis.Redis.from_url(REDIS_URL)
    client.set("someone-else:key", b"theirs")
    first, second = RedisCache(REDIS_URL, "test-cache"), RedisCache(REDIS_URL, "test-cache")
    first.set("feed:test", b"BEGIN:VCALENDAR", 30)
    assert second.get("feed:test") == b"BEGIN:VCALENDAR"
    assert second.get("feed:absent") is None
    first.clear()
    assert second.get("feed:test") is None
    assert client.get("someone-else:key") == b"theirs"  # a key the suite did not write stays
    client.delete("someone-else:key")


def test_an_unreachable_redis_is_a_cache_miss_not_an_error() -> None:
    cache = RedisCache("redis://127.0.0.1:1/0")
    cache.set("key", b"value", 30)
    assert cache.get("key") is None


def test_a_kept_value_expires_after_its_ttl(monkeypatch) -> None:
    import meetings.cache as module

    now = [1000.0]
    monkeypatch.setattr(module.time, "monotonic", lambda: now[0])
    cache = MemoryCache()
    cache.set("k", b"value", 10)
    now[0] += 9
    assert cache.get("k") == b"value"
    now[0] += 2
    assert cache.get("k") is None


def test_the_tiered_cache_reads_redis_once_then_memory(monkeypatch) -> None:
    from meetings.cache import TieredCache

    far = MemoryCache()
    far.set("page", b"<html>", 60)
    reads = []
    original = far.get
    monkeypatch.setattr(far, "get", lambda key: reads.append(key) or original(key))
    tiered = TieredCache(far)
    assert tiered.get("page") == b"<html>"
    assert tiered.get("page") == b"<html>"
    assert reads == ["page"]  # the second read stayed in this process
    assert tiered.get("missing") is None
    tiered.set("new", b"x", 5)
    assert far.get("new") == b"x"  # written through to the shared cache
