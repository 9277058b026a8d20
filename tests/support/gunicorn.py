"""The application under gunicorn on a loopback port, for the tests that need real worker
processes (killed mid-request, or sharing rate-limit counts through Redis)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serve(settings: dict[str, str], *, workers: int = 1) -> Iterator[str]:
    """Serve ``tests.support.paused_app:app`` (the application, with a fault a test may switch
    on) with ``settings`` as MEETINGS_* variables; yields the base address."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    environment = {
        **os.environ,
        "MEETINGS_ENV": "testing",
        "MEETINGS_PUBLIC_URL": url,
        **{f"MEETINGS_{name}": value for name, value in settings.items()},
    }
    environment.setdefault("MEETINGS_TEST_PAUSE_FILE", str(Path(settings["INSTANCE_PATH"]) / "-"))
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            f"--workers={workers}",
            "--worker-class=sync",
            f"--bind=127.0.0.1:{port}",
            "--timeout=300",
            "--log-level=warning",
            "tests.support.paused_app:app",
        ],
        cwd=ROOT,
        env=environment,
    )
    try:
        for _ in range(150):
            try:
                if requests.get(f"{url}/healthz", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not start")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def csrf_token(page: str) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert found, "no CSRF token on the page"
    return found.group(1)


def registration_form(page: str, member_state_id: int) -> dict[str, str]:
    """The fields of a delegate's registration for a Member State, as a browser posts them
    (the nomination letter goes as a file beside them)."""
    return {
        "csrf_token": csrf_token(page),
        "category": "member_state",
        "member_state_id": str(member_state_id),
        "role": "adviser",
        "courtesy_title": "Ms.",
        "given_names": "Amina",
        "family_name": "Diallo",
        "functional_title": "Counsellor",
        "gender": "female",
        "phone": "+1 212 555 0100",
        "based_in": "mission",
        "consent_to_publish": "y",
        "submit": "1",
    }
