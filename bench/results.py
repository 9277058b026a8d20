"""The benchmark's tables: printed, and written to bench/results.md with the date, the machine
and the database, each table in its own section so that runs of one part keep the other."""

from __future__ import annotations

import os
import platform
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results.md"


def machine() -> str:
    model = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {model}, Python {platform.python_version()}"


def database_name(url: str) -> str:
    return "PostgreSQL" if url.startswith("postgresql") else "SQLite"


def markdown(header: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def plain(title: str, header: list[str], rows: list[list[Any]]) -> None:
    widths = [max(len(str(x)) for x in column) for column in zip(header, *rows, strict=False)]
    print(f"\n{title}")
    print("  ".join(str(h).ljust(w) for h, w in zip(header, widths, strict=False)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=False)))


def write_section(name: str, text: str) -> None:
    """Replace the section ``name`` of bench/results.md (or add it)."""
    begin, end = f"<!-- {name} -->", f"<!-- /{name} -->"
    current = (
        RESULTS.read_text()
        if RESULTS.exists()
        else "# Benchmark results\n\nWritten by `make bench`.\n"
    )
    block = f"{begin}\n{text.strip()}\n{end}"
    pattern = re.compile(re.escape(begin) + ".*?" + re.escape(end), re.S)
    updated = (
        pattern.sub(lambda _m: block, current)
        if pattern.search(current)
        else f"{current.rstrip()}\n\n{block}\n"
    )
    RESULTS.write_text(updated if updated.endswith("\n") else updated + "\n")


def stamp(url: str) -> str:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"{now} · {machine()} · {database_name(url)}"


def write_load(
    rows: list[Any], url: str, counts: dict[str, int], connections: int, seconds: int
) -> None:
    baseline = rows[0].result.per_second
    header = [
        "endpoint",
        "requests/s",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "errors",
        "share of bare Flask",
        "target",
    ]
    table = [
        [
            row.name,
            f"{row.result.per_second:,.0f}",
            f"{row.result.p50:.1f}",
            f"{row.result.p95:.1f}",
            f"{row.result.p99:.1f}",
            row.result.errors,
            f"{row.result.per_second / baseline:.0%}" if baseline else "-",
            row.target,
        ]
        for row in rows
    ]
    plain("Load (gunicorn, same settings for both apps; wrk on 127.0.0.1)", header, table)
    data = ", ".join(f"{v:,} {k}" for k, v in counts.items())
    workers = os.environ.get("MEETINGS_WORKERS", "2")
    threads = os.environ.get("MEETINGS_THREADS", "4")
    text = (
        f"## Load — {stamp(url)}\n\n"
        f"gunicorn with `config/gunicorn.conf.py` ({workers} workers × {threads} threads), "
        "production settings; wrk, 2 threads, "
        f"{connections} connections, {seconds} s after a 2 s warm-up. Data: {data}.\n\n"
        + markdown(header, table)
    )
    write_section(f"load-{database_name(url).lower()}", text)
