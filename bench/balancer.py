"""make bench, part two: the application through HAProxy (deploy/haproxy.cfg), with one host
behind it and with two, on the same machine; wrk on 127.0.0.1.

    python -m bench.balancer [--seconds 10] [--connections 16]

Each host is gunicorn with config/gunicorn.conf.py (MEETINGS_WORKERS workers, 2 by default), on a
small data set. With one host, both of the balancer's server lines name it. On a machine of two
cores a second host adds no CPU: what the second column shows is mostly the balancer's and the
extra processes' overhead, not the gain on two machines.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path

import requests

from bench import load, wrk
from bench.results import database_name, machine, markdown, plain, write_section

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def balancer(port: int, hosts: list[str], log: Path) -> Iterator[str]:
    if shutil.which("haproxy") is None:
        subprocess.run(["apt-get", "install", "-y", "-qq", "haproxy"], check=True)
    environment = os.environ | {
        "MEETINGS_LISTEN": f"127.0.0.1:{port}",
        "MEETINGS_HOST": "127.0.0.1",
        "MEETINGS_APP1": hosts[0],
        "MEETINGS_APP2": hosts[-1],
    }
    with log.open("w") as out:
        process = subprocess.Popen(
            ["haproxy", "-db", "-f", str(ROOT / "deploy" / "haproxy.cfg")],
            env=environment,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        seen: set[str] = set()
        names = {"app1", "app2"}
        for _ in range(300):
            with suppress(requests.RequestException):
                seen.add(requests.get(base + "/healthz", timeout=5).headers.get("X-Served-By", ""))
            if names <= seen:
                break
            time.sleep(0.1)
        else:
            raise SystemExit(f"HAProxy did not balance over {hosts}: see {log}")
        yield base
    finally:
        process.terminate()
        process.wait(30)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args(argv)
    wrk.ensure_wrk()
    folder = Path(tempfile.mkdtemp(prefix="meetings-balancer-"))
    url = load._database(folder)
    print(f"\nThrough HAProxy: one host, then two (wrk -c{args.connections})")
    built = load.build(url, folder, small=True)
    feed = f"/meetings/{built.feed_code}/calendar.ics"
    env = load.app_environment(url, folder, 8740) | {"MEETINGS_PROXY_COUNT": "1"}
    env["MEETINGS_PUBLIC_URL"] = "http://127.0.0.1:8740"
    results: dict[str, dict[str, wrk.Result]] = {}
    with ExitStack() as stack:
        first = stack.enter_context(load.serving("wsgi:app", 8741, env, folder / "app1.log"))
        etag = requests.get(first + feed, timeout=30).headers["ETag"]
        paths = [
            ("/healthz", "/healthz", {}),
            ("meeting feed, 304", feed, {"If-None-Match": etag}),
            ("public programme", f"/meetings/{built.small_code}", {}),
        ]
        for layout, hosts in (("one host", ["127.0.0.1:8741"]),):
            with balancer(8740, hosts, folder / "haproxy-1.log") as base:
                results[layout] = _measure(base, paths, folder, args)
        stack.enter_context(load.serving("wsgi:app", 8742, env, folder / "app2.log"))
        with balancer(8740, ["127.0.0.1:8741", "127.0.0.1:8742"], folder / "haproxy-2.log") as b:
            results["two hosts"] = _measure(b, paths, folder, args)
    _report(results, url, args)


def _measure(
    base: str, paths: list[tuple[str, str, dict[str, str]]], folder: Path, args: argparse.Namespace
) -> dict[str, wrk.Result]:
    measured = {}
    for name, path, headers in paths:
        expected = 304 if "If-None-Match" in headers else 200
        script = wrk.get_script(path, headers, expected)
        measured[name] = load.measure(base, script, folder, args.seconds, args.connections)
    return measured


def _report(results: dict[str, dict[str, wrk.Result]], url: str, args: argparse.Namespace) -> None:
    header = [
        "endpoint",
        "one host, requests/s",
        "p95 ms",
        "two hosts, requests/s",
        "p95 ms",
        "two / one",
        "errors",
    ]
    rows = []
    for name in results["one host"]:
        one, two = results["one host"][name], results["two hosts"][name]
        rows.append(
            [
                name,
                f"{one.per_second:,.0f}",
                f"{one.p95:.1f}",
                f"{two.per_second:,.0f}",
                f"{two.p95:.1f}",
                f"{two.per_second / one.per_second:.0%}",
                one.errors + two.errors,
            ]
        )
    title = (
        f"Through HAProxy — {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC · {machine()}"
        f" · {database_name(url)}"
    )
    plain(title, header, rows)
    text = (
        f"## {title}\n\n"
        f"deploy/haproxy.cfg in front of gunicorn hosts (config/gunicorn.conf.py, "
        f"{os.environ.get('MEETINGS_WORKERS', '2')} workers each) on one machine; wrk, 2 threads,"
        f" {args.connections} connections, {args.seconds} s after a 2 s warm-up. On two cores the"
        " second host brings no CPU of its own: the ratio shows what the balancer and the extra"
        " processes cost, not what a second machine would add.\n\n" + markdown(header, rows)
    )
    write_section(f"balancer-{database_name(url).lower()}", text)


if __name__ == "__main__":
    main()
