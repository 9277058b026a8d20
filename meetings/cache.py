"""A small byte cache for built documents (calendar feeds, the public programme): in memory, or
Redis when MEETINGS_REDIS_URL is set so that every process and host shares it.

Keys name what the value was built from (a meeting's schedule version, the language, ...), so a
write that changes the document changes the key: nothing is ever deleted to invalidate it, and
several workers and hosts cannot disagree."""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import redis
from flask import current_app

if TYPE_CHECKING:
    from flask import Flask


class ByteCache(Protocol):
    def get(self, key: str) -> bytes | None: ...

    def set(self, key: str, value: bytes, ttl: int) -> None: ...


class MemoryCache:
    """Least-recently-used, bounded by total size, each value kept for its ``ttl``; per
    process."""

    def __init__(self, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return None
            expires, value = found
            if expires < time.monotonic():
                del self._items[key]
                self._size -= len(value)
                return None
            self._items.move_to_end(key)
            return value

    def set(self, key: str, value: bytes, ttl: int) -> None:
        if len(value) > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._size -= len(old[1])
            self._items[key] = (time.monotonic() + ttl, value)
            self._size += len(value)
            while self._size > self.max_bytes:
                _key, (_expires, dropped) = self._items.popitem(last=False)
                self._size -= len(dropped)


class TieredCache:
    """This process's memory in front of Redis. Keys name what their value was built from, so a
    value never changes under its key and a copy kept in memory is as good as Redis's: a big
    page is then not fetched from Redis on every request. Memory keeps it for at most
    ``near_seconds`` (and never beyond its own ``ttl``)."""

    def __init__(self, far: ByteCache, near_seconds: int = 300) -> None:
        self.far = far
        self.near = MemoryCache(32 * 1024 * 1024)
        self.near_seconds = near_seconds

    def get(self, key: str) -> bytes | None:
        value = self.near.get(key)
        if value is None:
            value = self.far.get(key)
            if value is not None:
                self.near.set(key, value, self.near_seconds)
        return value

    def set(self, key: str, value: bytes, ttl: int) -> None:
        self.far.set(key, value, ttl)
        self.near.set(key, value, min(ttl, self.near_seconds))


class RedisCache:
    """Bytes in Redis under ``prefix`` (a test suite, or a second site on one Redis, uses its
    own, and never touches keys it did not write)."""

    def __init__(self, url: str, prefix: str = "meetings") -> None:
        self.client = redis.Redis.from_url(url)
        self.prefix = prefix

    def get(self, key: str) -> bytes | None:
        try:
            value = self.client.get(f"{self.prefix}:{key}")
        except redis.RedisError:
            return None
        return value if isinstance(value, bytes) else None

    def set(self, key: str, value: bytes, ttl: int) -> None:
        try:
            self.client.set(f"{self.prefix}:{key}", value, ex=ttl)
        except redis.RedisError:
            return

    def clear(self) -> None:
        """Remove every key under this cache's prefix (and nothing else)."""
        for key in self.client.scan_iter(match=f"{self.prefix}:*", count=500):
            self.client.delete(key)


class ChangeSignal(Protocol):
    """A number every process can read cheaply and any process can change: what it is does not
    matter, only that it differs after ``bump``. Values kept in a process are checked against
    it, so a write made in another worker or host reaches them at once."""

    def current(self) -> object | None: ...  # None: unknown (keep nothing)

    def bump(self) -> None: ...


class FileSignal:
    """A file in the instance folder, replaced on every bump: reading it is one ``stat`` (about
    a microsecond), shared by every worker of the host."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def current(self) -> object | None:
        try:
            found = os.stat(self.path)
        except FileNotFoundError:
            return 0
        except OSError:
            return None
        return (found.st_ino, found.st_mtime_ns, found.st_size)

    def bump(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f"{self.path.name}.{os.getpid()}.{threading.get_ident()}")
        temporary.write_text(f"{time.time_ns()} {os.getpid()}\n")
        os.replace(temporary, self.path)  # a new inode: never mistaken for the previous one


class RedisSignal:
    """A Redis counter, shared by every host that uses the same Redis.

    Reading it must not cost a round trip to Redis on every request (that was a third of a
    feed's 304): each process subscribes to the counter's channel in a thread of its own, and
    every bump publishes the new value. While subscribed, ``current`` is a read of memory, as
    fresh as the last message (a change made by another host arrives within a millisecond or
    so, before that host has answered its own request). While not subscribed (starting, Redis
    lost), every read asks Redis, as before."""

    def __init__(self, url: str, name: str, prefix: str = "meetings") -> None:
        self.client = redis.Redis.from_url(url, socket_connect_timeout=2)
        self.key = f"{prefix}:signal:{name}"
        self._value = 0
        self._live = threading.Event()
        self._pid: int | None = None
        self._start_lock = threading.Lock()

    def _read(self) -> int | None:
        try:
            return int(self.client.get(self.key) or 0)
        except redis.RedisError:
            return None

    def current(self) -> object | None:
        if self._pid != os.getpid():
            self._listen()
        if self._live.is_set():
            return self._value
        return self._read()

    def bump(self) -> None:
        try:
            value = int(self.client.incr(self.key))
            self.client.publish(self.key, value)
        except redis.RedisError:
            return
        if self._live.is_set() and value > self._value:
            self._value = value  # this process sees its own change without waiting

    def _listen(self) -> None:
        """Start the subscriber of this process (again after a fork: threads do not follow)."""
        with self._start_lock:
            if self._pid == os.getpid():
                return
            self._pid = os.getpid()
            self._live.clear()
            threading.Thread(target=self._follow, name=f"signal {self.key}", daemon=True).start()

    def _follow(self) -> None:
        pid, pause = os.getpid(), 0.5
        while self._pid == pid:
            subscription = self.client.pubsub()
            try:
                subscription.subscribe(self.key)
                # Subscribed first, then read: no bump can fall between the two.
                while subscription.get_message(timeout=5) is None:
                    pass
                value = self._read()
                if value is None:
                    raise redis.ConnectionError("the counter could not be read")
                self._value = value
                self._live.set()
                pause = 0.5
                for message in subscription.listen():  # type: ignore[no-untyped-call]
                    if message.get("type") != "message":
                        continue
                    published = int(message["data"])
                    if published > self._value:
                        self._value = published
                    elif published < self._value:  # the counter was reset: read it again
                        self._value = self._read() or 0
            except (redis.RedisError, ValueError, OSError):
                pass
            finally:
                self._live.clear()
                subscription.close()
            time.sleep(pause)
            pause = min(pause * 2, 10.0)


def signal(app: Flask, name: str) -> ChangeSignal:
    """The change signal ``name``: Redis when MEETINGS_REDIS_URL is set, else a file in the
    instance folder (every worker of one host)."""
    signals: dict[str, ChangeSignal] = app.extensions.setdefault("meetings_signals", {})
    if name not in signals:
        url = app.config.get("REDIS_URL")
        signals[name] = (
            RedisSignal(str(url), name, app.config["REDIS_PREFIX"])
            if url
            else FileSignal(Path(app.instance_path) / "signals" / name)
        )
    return signals[name]


def init_app(app: Flask) -> None:
    url = app.config.get("REDIS_URL")
    prefix = app.config["REDIS_PREFIX"]
    app.extensions["meetings_cache"] = (
        TieredCache(RedisCache(str(url), prefix)) if url else MemoryCache()
    )


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
