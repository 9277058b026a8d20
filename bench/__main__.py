"""make bench: the load table (the app under gunicorn against bare Flask, bench/load.py), then
each in-process module's tables (growth: query counts and times as the data grows)."""

from __future__ import annotations

import importlib
import pkgutil
import sys

import bench
from bench import load


def main() -> int:
    load.main(sys.argv[1:])
    names = sorted(
        m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_")
    )
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        module.main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
