"""The production layout on loopback, as deploy/ describes it: HAProxy (deploy/haproxy.cfg) in
front of two gunicorn hosts (config/gunicorn.conf.py, MEETINGS_ENV=production, each with an
instance folder of its own), a Celery worker and beat, all on one database, one Redis (under a
key prefix and queue of the test's own), one S3 endpoint (moto) and an SMTP server."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import requests

from tests.support.gunicorn import ROOT, free_port
from tests.support.s3 import BUCKET, REGION, create_bucket, moto_server, use_test_credentials
from tests.support.smtp_server import SMTPServer

REDIS = os.environ.get("MEETINGS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
SECRET = "two-hosts-test-secret-key-" + "x" * 24


@dataclass
class Layout:
    url: str  # through the balancer
    hosts: dict[str, str]  # app1, app2: direct addresses
    processes: dict[str, subprocess.Popen[bytes]]
    smtp: SMTPServer
    environment: dict[str, str]
    logs: Path
    prefix: str
    extra: dict[str, object] = field(default_factory=dict)

    def kill(self, name: str) -> None:
        """SIGKILL the process ``name`` and every process of its group (gunicorn's workers)."""
        process = self.processes[name]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")


def _start(
    name: str, command: list[str], environment: dict[str, str], logs: Path
) -> subprocess.Popen[bytes]:
    with (logs / f"{name}.log").open("wb") as output:  # the child keeps its own copy
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: killed whole
        )


def _wait_for(url: str, *, seconds: float = 30, headers: dict[str, str] | None = None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2, headers=headers).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer in {seconds} s")


@contextmanager
def production_layout(database_url: str, folder: Path) -> Iterator[Layout]:
    use_test_credentials()
    logs = folder / "logs"
    logs.mkdir(parents=True)
    prefix = f"test-{secrets.token_hex(4)}"
    balancer_port, app1, app2 = free_port(), free_port(), free_port()
    url = f"http://127.0.0.1:{balancer_port}"
    with ExitStack() as stack:
        endpoint = stack.enter_context(moto_server())
        create_bucket(endpoint)
        smtp = SMTPServer()
        stack.callback(smtp.close)
        settings = {
            "ENV": "production",
            "SECRET_KEY": SECRET,
            "DATABASE_URL": database_url,
            "PUBLIC_URL": url,
            "REDIS_URL": REDIS,
            "REDIS_PREFIX": prefix,
            "CELERY_QUEUE": prefix,
            "CELERY_VISIBILITY_TIMEOUT": "5",
            "STORAGE_URL": (
                f"s3://{BUCKET}?endpoint_url={endpoint}&region={REGION}&prefix={prefix}/"
            ),
            "MAIL_BACKEND": "smtp",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(smtp.port),
            "SMTP_STARTTLS": "false",
            "SESSION_COOKIE_SECURE": "false",  # the balancer speaks plain HTTP on loopback
            "HSTS_SECONDS": "0",
            "PROXY_COUNT": "1",
            "RATELIMIT_ENABLED": "true",
            "WORKERS": "2",
            "THREADS": "2",
        }
        environment = {
            **os.environ,
            **{f"MEETINGS_{key}": value for key, value in settings.items()},
        }
        environment.pop("PROMETHEUS_MULTIPROC_DIR", None)
        processes: dict[str, subprocess.Popen[bytes]] = {}
        hosts = {"app1": f"127.0.0.1:{app1}", "app2": f"127.0.0.1:{app2}"}
        for name, address in hosts.items():
            own = {
                **environment,
                "MEETINGS_BIND": address,
                "MEETINGS_INSTANCE_PATH": str(folder / name),  # nothing shared on disk
            }
            command = [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py"]
            processes[name] = _start(name, [*command, "wsgi:app"], own, logs)
        jobs = {**environment, "MEETINGS_INSTANCE_PATH": str(folder / "jobs")}
        celery = [sys.executable, "-m", "celery", "-A", "meetings.jobs.worker"]
        processes["worker"] = _start(
            "worker", [*celery, "worker", "--concurrency=2", "--loglevel=info"], jobs, logs
        )
        processes["beat"] = _start("beat", [*celery, "beat", "--loglevel=info"], jobs, logs)
        processes["haproxy"] = _start(
            "haproxy",
            ["haproxy", "-db", "-f", str(ROOT / "deploy" / "haproxy.cfg")],
            {
                **environment,
                "MEETINGS_LISTEN": f"127.0.0.1:{balancer_port}",
                "MEETINGS_HOST": "127.0.0.1",
                "MEETINGS_APP1": hosts["app1"],
                "MEETINGS_APP2": hosts["app2"],
            },
            logs,
        )
        try:
            for address in hosts.values():
                _wait_for(f"http://{address}/healthz", seconds=60)
            _wait_for(f"{url}/healthz")
            _wait_until_balanced(url, set(hosts))
            yield Layout(
                url=url,
                hosts=hosts,
                processes=processes,
                smtp=smtp,
                environment=environment,
                logs=logs,
                prefix=prefix,
            )
        finally:
            for process in processes.values():
                if process.poll() is None:
                    os.killpg(process.pid, signal.SIGTERM)
            for process in processes.values():
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
            _forget_redis_keys(prefix)


def _wait_until_balanced(url: str, names: set[str], seconds: float = 30) -> None:
    """Until HAProxy's checks have found every host up (a host checked before it listened is
    down until two checks pass)."""
    seen: set[str] = set()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        answer = requests.get(f"{url}/healthz", timeout=5)
        seen.add(answer.headers.get("X-Served-By", ""))
        if names <= seen:
            return
        time.sleep(0.1)
    raise RuntimeError(f"the balancer sent nothing to {sorted(names - seen)} in {seconds} s")


def _forget_redis_keys(prefix: str) -> None:
    """Remove what the layout wrote in Redis: its own prefix and queue, nothing else."""
    import redis

    client = redis.Redis.from_url(REDIS)
    for key in client.scan_iter(match=f"*{prefix}*", count=500):
        client.delete(key)
