"""Driving load with wrk (Debian's package, installed when missing): one request shape per run,
written as a small Lua script; the result read back from the script's own summary line."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

# Every script: each thread numbered (1, 2, ...) for requests that must differ between threads;
# answers with another status than EXPECTED counted (wrk itself counts only 4xx and 5xx, and a
# login page's 302 is no success); one summary line when wrk finishes: requests, seconds,
# p50/p95/p99 in ms, errors.
COMMON = """
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("number", #threads)
end
unexpected = 0
function response(status, headers, body)
  if status ~= EXPECTED then unexpected = unexpected + 1 end
end
function done(summary, latency, requests)
  local e = summary.errors
  local wrong = 0
  for _, thread in ipairs(threads) do wrong = wrong + thread:get("unexpected") end
  io.write(string.format("RESULT %d %.3f %.3f %.3f %.3f %d\\n", summary.requests,
    summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, e.connect + e.read + e.write + e.timeout + wrong))
end
"""
USER_AGENT = "meetings-bench"  # the session is bound to it (SESSION_PROTECTION = "strong")


def common(expected: int) -> str:
    return f"EXPECTED = {expected}\nwrk.headers['User-Agent'] = '{USER_AGENT}'\n{COMMON}"


@dataclass(frozen=True)
class Result:
    requests: int
    seconds: float
    p50: float
    p95: float
    p99: float
    errors: int

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    print("  installing wrk (apt-get install -y wrk)")
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, capture_output=True)
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk is not installed and could not be installed")
    return found


def lua_string(text: str) -> str:
    return "[==[" + text + "]==]"


def get_script(path: str, headers: dict[str, str], expected: int = 200) -> str:
    lines = [f"wrk.headers[ {lua_string(k)} ] = {lua_string(v)}" for k, v in headers.items()]
    return "\n".join([common(expected), f"wrk.path = {lua_string(path)}", *lines])


def run(url: str, script: str, folder: Path, *, seconds: int, connections: int) -> Result:
    path = folder / f"script-{abs(hash(script))}.lua"
    path.write_text(script)
    answer = subprocess.run(
        [
            ensure_wrk(),
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(path),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(x for x in answer.stdout.splitlines() if x.startswith("RESULT "))
    requests, secs, p50, p95, p99, errors = line.split()[1:]
    return Result(int(requests), float(secs), float(p50), float(p95), float(p99), int(errors))
