"""gunicorn settings: ``gunicorn -c config/gunicorn.conf.py wsgi:app``.

Every value can be overridden on the command line or with GUNICORN_CMD_ARGS.
"""

import multiprocessing
import os

# This file is read by the master before any worker imports the app; workers inherit it.
os.environ.setdefault("MEETINGS_ENV", "production")

bind = os.environ.get("MEETINGS_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("MEETINGS_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "gthread"
threads = int(os.environ.get("MEETINGS_THREADS", "4"))
timeout = 60
graceful_timeout = 30
# No keep-alive by default: a kept connection stays with the worker that accepted it, and with
# few workers one of them can end up holding every busy connection while the other idles
# (make bench saw half its runs at half speed, 42 % of the CPU idle). Behind a proxy that opens a
# connection per request (nginx's default) nothing is lost; raise it for clients that connect
# directly and are spread over many connections.
keepalive = int(os.environ.get("MEETINGS_KEEPALIVE", "0"))
# A worker is replaced after this many requests (a guard against slow leaks). Each replacement
# costs seconds of start-up during which its requests wait: at 2,000 it happened every few
# seconds under load and put seconds on the 95th percentile (make bench showed it).
max_requests = 50_000
max_requests_jitter = 5_000
accesslog = "-"
# The common format, then the request id the application answered with (X-Request-ID).
access_log_format = (
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %({x-request-id}o)s'
)
errorlog = "-"
forwarded_allow_ips = os.environ.get("MEETINGS_FORWARDED_ALLOW_IPS", "127.0.0.1")

# Prometheus metrics from every worker, summed at /metrics (prometheus-client's multiprocess
# mode): each process writes its counts under this folder, emptied when the master starts.
os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR",
    os.path.join(
        os.environ.get(
            "MEETINGS_INSTANCE_PATH",
            os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "instance"),
        ),
        "metrics",
    ),
)


def on_starting(server):
    import shutil

    folder = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder, mode=0o700, exist_ok=True)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
