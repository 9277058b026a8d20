"""A small byte cache for built documents (calendar feeds, the public programme): in memory, or
Redis when MEETINGS_REDIS_URL is set so that every process and host shares it.

Keys name what the value was built from (a meeting's schedule version, the language, ...), so a
write that changes the document changes the key: nothing is ever deleted to invalidate it, and
several workers and hosts cannot disagree."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

import redis
from flask import current_app

if TYPE_CHECKING:
    from flask import Flask


class ByteCache(Protocol):
    def get(self, key: str) -> bytes | None: ...

    def set(self, key: str, value: bytes, ttl: int) -> None: ...


class MemoryCache:
    """Least-recently-used, bounded by total size; per process."""

    def __init__(self, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def set(self, key: str, value: bytes, ttl: int) -> None:
        if len(value) > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._size -= len(old)
            self._items[key] = value
            self._size += len(value)
            while self._size > self.max_bytes:
                _key, dropped = self._items.popitem(last=False)
                self._size -= len(dropped)


class RedisCache:
    def __init__(self, url: str) -> None:
        self.client = redis.Redis.from_url(url)

    def get(self, key: str) -> bytes | None:
        try:
            value = self.client.get(f"meetings:{key}")
        except redis.RedisError:
            return None
        return value if isinstance(value, bytes) else None

    def set(self, key: str, value: bytes, ttl: int) -> None:
        try:
            self.client.set(f"meetings:{key}", value, ex=ttl)
        except redis.RedisError:
            return


def init_app(app: Flask) -> None:
    url = app.config.get("REDIS_URL")
    app.extensions["meetings_cache"] = RedisCache(str(url)) if url else MemoryCache()


def cache() -> ByteCache:
    return current_app.extensions["meetings_cache"]  # type: ignore[no-any-return]


def remembered(key: str, ttl: int, build: Callable[[], bytes]) -> bytes:
    """The bytes cached under ``key``, built (and kept for ``ttl`` seconds) when absent."""
    store = cache()
    value = store.get(key)
    if value is None:
        value = build()
        store.set(key, value, ttl)
    return value
