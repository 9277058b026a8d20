"""make bench: the load table (the app under gunicorn against bare Flask, bench/load.py), the
same through HAProxy with one host and with two (bench/balancer.py), the growth tables
(bench/growth.py), then the fund's and sponsorship's own (webhooks in process, fund
pages at 10 and 10,000 contributions, fifty simultaneous offers against money for ten)."""

from __future__ import annotations

import importlib
import pkgutil
import sys

import bench
from bench import balancer, growth, load


def main() -> int:
    load.main(sys.argv[1:])
    balancer.main([])
    growth.main()
    names = sorted(
        m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_")
    )
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        module.main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
