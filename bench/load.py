"""make bench, part one: the application under gunicorn against a bare Flask app under the same
settings, in the same run, on a data set of realistic size; load from wrk on 127.0.0.1.

    python -m bench.load [--small] [--seconds 10] [--connections 16]

The database is a fresh SQLite file, or the PostgreSQL database MEETINGS_DATABASE_URL names
(emptied first). Prints one table and writes it to bench/results.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests
import sqlalchemy as sa

from bench import dataset, wrk
from bench.bench_fund import signed_event
from bench.support import loopback_stripe

ROOT = Path(__file__).resolve().parent.parent
WEBHOOK_SECRET = "whsec_benchmark"
GUNICORN = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "config" / "gunicorn.conf.py")]


@dataclass
class Row:
    name: str
    result: wrk.Result
    target: str


def _database(folder: Path) -> str:
    url = os.environ.get("MEETINGS_DATABASE_URL")
    if not url:
        return f"sqlite:///{folder / 'bench.sqlite3'}"
    engine = sa.create_engine(url)
    with engine.begin() as connection:  # empty it: the benchmark owns this database
        connection.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    return url


def build(url: str, folder: Path, small: bool) -> dataset.DataSet:
    from bench.support import bench_app
    from meetings.extensions import db

    app = bench_app(folder, url)
    with app.app_context():
        started = time.perf_counter()
        built = dataset.build(small=small)
        print(f"  data set built in {time.perf_counter() - started:.0f} s: {built.counts}")
        db.engine.dispose()
    return built


@contextmanager
def serving(app: str, port: int, env: dict[str, str], log: Path) -> Iterator[str]:
    environment = os.environ | env | {"MEETINGS_BIND": f"127.0.0.1:{port}"}
    with log.open("w") as out:
        process = subprocess.Popen(
            [*GUNICORN, app], cwd=ROOT, env=environment, stdout=out, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                requests.get(base + "/healthz", timeout=5)
                break
            except requests.RequestException:
                time.sleep(0.1)
        else:
            raise SystemExit(f"{app} did not start: see {log}")
        yield base
    finally:
        process.terminate()
        process.wait(30)


def app_environment(url: str, folder: Path, port: int) -> dict[str, str]:
    return {
        "MEETINGS_ENV": "production",
        "MEETINGS_SECRET_KEY": "benchmark-secret-key-benchmark-secret-key",
        "MEETINGS_DATABASE_URL": url,
        "MEETINGS_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "MEETINGS_REDIS_URL": os.environ.get("MEETINGS_REDIS_URL", "redis://127.0.0.1:6379/0"),
        "MEETINGS_SESSION_COOKIE_SECURE": "false",
        "MEETINGS_INSTANCE_PATH": str(folder / "instance"),
        "MEETINGS_STRIPE_SECRET_KEY": "sk_test_benchmark",
        "MEETINGS_STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "MEETINGS_STRIPE_API_BASE": loopback_stripe(),
        "MEETINGS_WORKERS": os.environ.get("MEETINGS_WORKERS", "2"),
        "MEETINGS_THREADS": os.environ.get("MEETINGS_THREADS", "4"),
    }


def _token(html: str) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    if not found:
        raise SystemExit("no CSRF token on the page")
    return found.group(1)


def log_in(base: str, email: str) -> tuple[str, str]:
    """A logged-in session's Cookie header and a CSRF token valid in it."""
    browser = requests.Session()
    browser.headers["User-Agent"] = wrk.USER_AGENT
    token = _token(browser.get(base + "/login").text)
    answer = browser.post(
        base + "/login",
        data={"email": email, "password": dataset.PASSWORD, "csrf_token": token},
        allow_redirects=False,
    )
    if answer.status_code != 302:
        raise SystemExit(f"could not log in as {email}: {answer.status_code}")
    page = browser.get(base + "/account").text
    cookie = "; ".join(f"{c.name}={c.value}" for c in browser.cookies)
    return cookie, _token(page)


def member_script(path: str, cookie: str, token: str, run: str) -> str:
    """The focal point adds a new member to the delegation: a new e-mail address every time."""
    return f"""
{wrk.common(302)}
local count = 0
wrk.method = "POST"
wrk.headers["Cookie"] = {wrk.lua_string(cookie)}
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
function request()
  count = count + 1
  local email = "m{run}-" .. number .. "-" .. count .. "%40bench.example.org"
  local body = "csrf_token=" .. {wrk.lua_string(token)} .. "&role=adviser&courtesy_title=Ms." ..
    "&given_names=Ada&family_name=Member" .. count .. "&functional_title=Counsellor" ..
    "&gender=female&email=" .. email .. "&phone=&based_in=capital&consent_to_publish=y"
  return wrk.format(nil, {wrk.lua_string(path)}, nil, body)
end
"""


def webhook_files(built: dataset.DataSet, folder: Path, part: int) -> list[Path]:
    """Signed checkout.session.completed events, each for its own pending card payment, one
    file per wrk thread (lines: signature TAB body). Signed now: Stripe's tolerance is 5 minutes."""
    files = []
    quarter = len(built.pending_contributions) // 4  # a quarter to warm up, the rest to measure
    chunk = built.pending_contributions[quarter:] if part else built.pending_contributions[:quarter]
    for thread in (1, 2):
        lines = []
        for contribution_id, amount in chunk[thread - 1 :: 2]:
            signature, payload = signed_event(
                contribution_id, amount, f"{part}-{contribution_id}", WEBHOOK_SECRET
            )
            lines.append(f"{signature}\t{payload}")
        path = folder / f"events-{part}-{thread}.txt"
        path.write_text("\n".join(lines) + "\n")
        files.append(path)
    return files


def webhook_script(folder: Path, part: int) -> str:
    return f"""
{wrk.common(200)}
local events = {{}}
local next_event = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
function init(args)
  for line in io.lines({wrk.lua_string(str(folder))} .. "/events-{part}-" .. number .. ".txt") do
    table.insert(events, line)
  end
end
function request()
  next_event = next_event + 1
  local line = events[next_event]
  local tab = string.find(line, "\\t")
  wrk.headers["Stripe-Signature"] = string.sub(line, 1, tab - 1)
  return wrk.format(nil, "/fund/stripe/webhook", nil, string.sub(line, tab + 1))
end
"""


def _members(url: str, delegation_id: int) -> int:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        count = connection.execute(
            sa.text("SELECT count(*) FROM registration WHERE delegation_id = :id"),
            {"id": delegation_id},
        ).scalar_one()
    engine.dispose()
    return int(count)


def measure(
    base: str, script: str, folder: Path, seconds: int, connections: int, warm: bool = True
) -> wrk.Result:
    if warm:
        wrk.run(base, script, folder, seconds=2, connections=connections)
    return wrk.run(base, script, folder, seconds=seconds, connections=connections)


def main(argv: list[str] | None = None) -> list[Row]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="a hundredth of the data")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args(argv)
    wrk.ensure_wrk()
    folder = Path(tempfile.mkdtemp(prefix="meetings-load-"))
    url = _database(folder)
    print(f"\nLoad: gunicorn ({ROOT / 'config/gunicorn.conf.py'}), wrk -c{args.connections}")
    built = build(url, folder, args.small)
    seconds, connections = args.seconds, args.connections
    rows: list[Row] = []
    env = app_environment(url, folder, 8731)
    with serving("bench.bare:app", 8730, env, folder / "bare.log") as bare:
        hello = measure(bare, wrk.get_script("/hello", {}), folder, seconds, connections)
        rows.append(Row("bare Flask hello (baseline)", hello, "100 %"))
    with serving("wsgi:app", 8731, env, folder / "app.log") as base:
        feed = f"/meetings/{built.feed_code}/calendar.ics"
        etag = requests.get(base + feed, timeout=30).headers["ETag"]
        secretariat, _token_s = log_in(base, "secretariat@bench.example.org")
        fund, _token_f = log_in(base, "fund@bench.example.org")
        focal, focal_token = log_in(base, "focal@bench.example.org")
        gets = [
            ("/healthz", "/healthz", {}, "≥ 70 %"),
            ("meeting feed, 1,000 sittings, 304", feed, {"If-None-Match": etag}, "≥ 60 %"),
            ("meeting feed, 1,000 sittings, 200", feed, {}, "≥ 20 %"),
            ("public programme, 10 sittings", f"/meetings/{built.small_code}", {}, "≥ 25 %"),
            ("public programme, 1,000 sittings", f"/meetings/{built.feed_code}", {}, "≥ 25 %"),
            (
                "secretariat registrations list",
                "/secretariat/registrations",
                {"Cookie": secretariat},
                "≥ 10 %",
            ),
            ("fund page", "/fund", {"Cookie": fund}, "≥ 10 %"),
            (
                "sponsorship review list",
                f"/sponsorship/manage/calls/{built.call_id}",
                {"Cookie": fund},
                "≥ 10 %",
            ),
        ]
        for name, path, headers, target in gets:
            expected = 304 if "If-None-Match" in headers else 200
            answer = requests.get(
                base + path,
                headers=headers | {"User-Agent": wrk.USER_AGENT},
                allow_redirects=False,
                timeout=60,
            )
            if answer.status_code != expected:
                raise SystemExit(f"{path} answered {answer.status_code} before the run")
            script = wrk.get_script(path, headers, expected)
            result = measure(base, script, folder, seconds, connections)
            rows.append(Row(name, result, target))
        members = f"/delegations/{built.delegation_id}/members"
        for part, warm in ((0, True), (1, False)):
            script = member_script(members, focal, focal_token, f"{part}")
            if warm:
                wrk.run(base, script, folder, seconds=2, connections=connections)
            else:
                before = _members(url, built.delegation_id)
                result = wrk.run(base, script, folder, seconds=seconds, connections=connections)
                # A refused form is a 200 page, not an error to wrk: count what was recorded.
                missing = result.requests - (_members(url, built.delegation_id) - before)
                result = dataclasses.replace(result, errors=max(result.errors, missing))
                rows.append(Row("registration submit (POST, CSRF, logged in)", result, "≥ 10 %"))
        for part in (0, 1):
            webhook_files(built, folder, part)
            script = webhook_script(folder, part)
            if part == 0:
                wrk.run(base, script, folder, seconds=2, connections=connections)
            else:
                result = wrk.run(base, script, folder, seconds=seconds, connections=connections)
                rows.append(Row("Stripe webhook (signed, new event each time)", result, "≥ 10 %"))
    report(rows, url, built, connections, seconds)
    return rows


def report(
    rows: list[Row], url: str, built: dataset.DataSet, connections: int, seconds: int
) -> None:
    from bench.results import write_load

    write_load(rows, url, built.counts, connections, seconds)


if __name__ == "__main__":
    main()
