"""Where the bytes of uploaded documents live: a local folder or S3-compatible object storage.

Chosen by ``MEETINGS_STORAGE_URL``::

    file:///var/lib/meetings/uploads
    s3://bucket?endpoint_url=http://127.0.0.1:9000&region=us-east-1&prefix=uploads/

(credentials for S3 come from the usual AWS variables or instance role). Everything that reads
or writes a document's bytes goes through one of these; nothing else touches the disk for them.

A key is ``ab/ab12….pdf``: the first two characters of the generated name, a slash, the name.
``put`` never leaves a short document under its key: the folder writes a hidden ``.part`` file
and renames it (a process killed half-way leaves only the ``.part``, which the sweep removes);
S3 makes an object visible whole or not at all.
"""

from __future__ import annotations

import base64
import hashlib
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol, cast
from urllib.parse import parse_qs, unquote, urlsplit

CHUNK = 1 << 20


class StorageError(Exception):
    """The storage could not be used; the message says which and why."""


@dataclass(frozen=True)
class StoredObject:
    key: str
    modified: float  # seconds since the epoch
    size: int


class Storage(Protocol):
    url: str

    def put(self, key: str, data: bytes) -> None: ...

    def open(self, key: str) -> IO[bytes]:
        """The object to read (closed by the reader); FileNotFoundError when there is none."""
        ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None: ...

    def objects(self) -> Iterator[StoredObject]:
        """Every object, partial writes included."""
        ...

    def writable(self) -> bool:
        """Whether this process can write here now (for /readyz)."""
        ...


def key_of(stored_name: str) -> str:
    return f"{stored_name[:2]}/{stored_name}"


def chunks(storage: Storage, key: str) -> Iterator[bytes]:
    with storage.open(key) as stream:
        yield from iter(lambda: stream.read(CHUNK), b"")


def read(storage: Storage, key: str) -> bytes:
    with storage.open(key) as stream:
        return stream.read()


def sha256(storage: Storage, key: str) -> str | None:
    """The object's SHA-256, or None when there is no such object."""
    digest = hashlib.sha256()
    try:
        for chunk in chunks(storage, key):
            digest.update(chunk)
    except FileNotFoundError:
        return None
    return digest.hexdigest()


# --- a local folder ------------------------------------------------------------------------------


def private_folder(path: Path, root: Path) -> None:
    """A folder only the application's user may enter, and each folder between it and ``root``:
    passports, photos and letters are nobody else's on the host."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    for level in (path, *path.parents):
        level.chmod(0o700)
        if level == root or root not in level.parents:
            break


def write_private(path: Path, data: bytes) -> None:
    """``data`` in a new file only the application's user may read (0600), whatever the umask."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as stream:
        stream.write(data)
    path.chmod(0o600)


class FolderStorage:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.url = root.as_uri()

    def path(self, key: str) -> Path:
        if ".." in key.split("/") or key.startswith("/"):
            raise StorageError(f"not a document key: {key!r}")
        return self.root / key

    def put(self, key: str, data: bytes) -> None:
        path = self.path(key)
        private_folder(path.parent, self.root)
        partial = path.with_name(f".{path.name}.part")
        write_private(partial, data)
        partial.replace(path)

    def open(self, key: str) -> IO[bytes]:
        return self.path(key).open("rb")

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def objects(self) -> Iterator[StoredObject]:
        if not self.root.is_dir():
            return
        for path in sorted(self.root.rglob("*")):
            if path.is_file():
                status = path.stat()
                key = path.relative_to(self.root).as_posix()
                yield StoredObject(key=key, modified=status.st_mtime, size=status.st_size)

    def writable(self) -> bool:
        try:
            private_folder(self.root, self.root)
        except OSError:
            return False
        return os.access(self.root, os.W_OK | os.X_OK)


# --- S3-compatible object storage ----------------------------------------------------------------


class S3Storage:
    """A bucket (and an optional key prefix) of Amazon S3 or any store that speaks its API
    (MinIO, Ceph, Garage…). Objects are written with server-side encryption requested where
    the store offers it; the bucket must not be public."""

    def __init__(self, bucket: str, *, prefix: str = "", **client_options: Any) -> None:
        import boto3
        from botocore.config import Config

        self.bucket = bucket
        self.prefix = prefix
        self.url = f"s3://{bucket}/{prefix}"
        config = Config(
            retries={"max_attempts": 4, "mode": "standard"}, connect_timeout=3, read_timeout=20
        )
        self.client = boto3.client("s3", config=config, **client_options)

    def _missing(self, error: Exception) -> bool:
        code = getattr(error, "response", {}).get("Error", {}).get("Code")
        return code in {"404", "NoSuchKey", "NotFound"}

    def put(self, key: str, data: bytes) -> None:
        digest = hashlib.md5(data, usedforsecurity=False).digest()
        # Content-MD5: the store refuses a body damaged on the way rather than keep it.
        self.client.put_object(
            Bucket=self.bucket,
            Key=self.prefix + key,
            Body=data,
            ContentMD5=base64.b64encode(digest).decode(),
        )

    def open(self, key: str) -> IO[bytes]:
        from botocore.exceptions import ClientError

        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self.prefix + key)
        except ClientError as error:
            if self._missing(error):
                raise FileNotFoundError(key) from error
            raise
        # botocore's StreamingBody reads, closes and serves as a context manager.
        return cast(IO[bytes], answer["Body"])

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self.prefix + key)
        except ClientError as error:
            if self._missing(error):
                return False
            raise
        return True

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.prefix + key)

    def objects(self) -> Iterator[StoredObject]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix
        )
        for page in pages:
            for item in page.get("Contents", []):
                yield StoredObject(
                    key=item["Key"][len(self.prefix) :],
                    modified=item["LastModified"].timestamp(),
                    size=int(item["Size"]),
                )

    def writable(self) -> bool:
        from botocore.exceptions import BotoCoreError, ClientError

        probe = f"{self.prefix}.ready-{os.getpid()}-{time.monotonic_ns()}"
        try:
            self.client.put_object(Bucket=self.bucket, Key=probe, Body=b"")
            self.client.delete_object(Bucket=self.bucket, Key=probe)
        except (BotoCoreError, ClientError):
            return False
        return True


def open_storage(url: str) -> Storage:
    """The storage a ``MEETINGS_STORAGE_URL`` names."""
    parts = urlsplit(url)
    if parts.scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise StorageError(f"{url}: a file URL names a folder on this host (file:///path)")
        return FolderStorage(Path(unquote(parts.path)))
    if parts.scheme == "s3":
        if not parts.netloc:
            raise StorageError(f"{url}: an s3 URL names its bucket (s3://bucket?…)")
        options = {name: values[-1] for name, values in parse_qs(parts.query).items()}
        client: dict[str, Any] = {}
        if "endpoint_url" in options:
            client["endpoint_url"] = options.pop("endpoint_url")
        if "region" in options:
            client["region_name"] = options.pop("region")
        prefix = options.pop("prefix", parts.path.lstrip("/"))
        if prefix and not prefix.endswith("/"):
            prefix += "/"
        if options:
            raise StorageError(f"{url}: unknown option(s) {', '.join(sorted(options))}")
        return S3Storage(parts.netloc, prefix=prefix, **client)
    raise StorageError(f"{url}: the storage URL starts with file:// or s3://")
