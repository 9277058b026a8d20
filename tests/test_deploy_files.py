"""deploy/: the files an operator starts from say what the slow two-host test runs (no container
engine runs here, so the image is not built by the tests; its definition is checked)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"


def test_the_compose_file_runs_the_whole_layout() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) >= {
        "postgres",
        "redis",
        "minio",
        "migrate",
        "app1",
        "app2",
        "worker",
        "beat",
        "haproxy",
    }
    for name in ("app1", "app2", "worker", "beat", "migrate"):
        assert services[name]["build"]["dockerfile"] == "deploy/Dockerfile"
    for name in ("app1", "app2", "worker", "beat", "postgres", "redis", "haproxy"):
        assert services[name]["restart"] == "unless-stopped", name  # supervised
    assert "meetings.jobs.worker" in services["worker"]["entrypoint"]
    assert "beat" in services["beat"]["entrypoint"]
    assert services["migrate"]["entrypoint"][-1].startswith("flask db upgrade && flask db grant")
    assert "meetings_app:" in services["app1"]["environment"]["MEETINGS_DATABASE_URL"]


def test_the_image_is_multi_stage_unprivileged_and_served_by_gunicorn() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert len(re.findall(r"^FROM ", dockerfile, re.M)) == 2
    assert "--require-hashes -r /src/requirements/run.lock" in dockerfile
    assert re.search(r"^USER meetings$", dockerfile, re.M)
    assert 'ENTRYPOINT ["gunicorn", "-c", "config/gunicorn.conf.py", "wsgi:app"]' in dockerfile
    for copied in ("static", "templates", "migrations", "config"):
        assert f"COPY --chown=root:root {copied} " in dockerfile


def test_the_units_run_the_same_processes() -> None:
    units = {path.name: path.read_text() for path in (DEPLOY / "systemd").glob("*.service")}
    assert set(units) == {
        "meetings-web@.service",
        "meetings-worker.service",
        "meetings-beat.service",
    }
    for text in units.values():
        assert "User=meetings" in text
        assert "Restart=always" in text
        assert "UMask=0077" in text
    assert "gunicorn -c config/gunicorn.conf.py wsgi:app" in units["meetings-web@.service"]
    assert "meetings.jobs.worker worker" in units["meetings-worker.service"]
    assert "meetings.jobs.worker beat" in units["meetings-beat.service"]


@pytest.mark.skipif(shutil.which("haproxy") is None, reason="HAProxy is not installed")
def test_haproxy_accepts_the_configuration() -> None:
    environment = {
        **os.environ,
        "MEETINGS_LISTEN": "127.0.0.1:8080",
        "MEETINGS_HOST": "meetings.example.org",
        "MEETINGS_APP1": "127.0.0.1:8001",
        "MEETINGS_APP2": "127.0.0.1:8002",
    }
    checked = subprocess.run(
        ["haproxy", "-c", "-f", str(DEPLOY / "haproxy.cfg")],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
