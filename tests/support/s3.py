"""An S3 endpoint on loopback for the tests: moto's server mode in a process of its own (a real
HTTP S3 API, as the Stripe server is a real HTTP Stripe API), and the storage URLs the suite
hands to the application: a new folder, or a new key prefix in the test bucket."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

from tests.support.gunicorn import free_port

BUCKET = "meetings-test"
REGION = "us-east-1"


@contextmanager
def moto_server() -> Iterator[str]:
    """Start moto's S3 server on a free loopback port; yields its address."""
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            try:
                requests.get(f"{endpoint}/moto-api/", timeout=1)
                break
            except requests.RequestException:
                time.sleep(0.05)
        else:
            raise RuntimeError("moto's S3 server did not start")
        yield endpoint
    finally:
        server.terminate()
        server.wait(timeout=10)


def use_test_credentials() -> None:
    """boto3 reads these; moto accepts any. Never a real account's."""
    os.environ["AWS_ACCESS_KEY_ID"] = "testing"
    os.environ["AWS_SECRET_ACCESS_KEY"] = "testing"
    os.environ["AWS_DEFAULT_REGION"] = REGION
    os.environ.pop("AWS_PROFILE", None)
    os.environ.pop("AWS_SESSION_TOKEN", None)


def create_bucket(endpoint: str, bucket: str = BUCKET) -> None:
    import boto3

    client = boto3.client("s3", endpoint_url=endpoint, region_name=REGION)
    client.create_bucket(Bucket=bucket)


class Storages:
    """New, empty document storages of the kind the run tests (TEST_STORAGE=s3 or a folder)."""

    def __init__(self, root: Path, endpoint: str | None) -> None:
        self.root = root
        self.endpoint = endpoint

    @property
    def kind(self) -> str:
        return "s3" if self.endpoint else "folder"

    def new(self, name: str) -> str:
        unique = f"{name}-{secrets.token_hex(4)}"
        if self.endpoint is None:
            return (self.root / unique).resolve().as_uri()
        return f"s3://{BUCKET}?endpoint_url={self.endpoint}&region={REGION}&prefix={unique}/"
