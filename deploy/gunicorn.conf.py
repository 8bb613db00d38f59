"""Gunicorn settings for a Scorecards app server: ``gunicorn -c deploy/gunicorn.conf.py wsgi:app``.

Each value may be changed through the environment named beside it, so the container, the
systemd units and the deployment test share this one file.
"""

import multiprocessing
import os

# Where this server listens; the reverse proxy in front sends requests here.
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Sync workers: a page is short work on the database, and long work (packets, big exports)
# goes to the RQ workers. Two per core, plus one, as gunicorn advises.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
# A request still unanswered after this is killed and its worker replaced: the slowest pages
# (a small export written on the spot, an inline packet) take a few seconds.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30  # a restart lets requests under way finish this long
keepalive = 5  # the proxy keeps connections to the app servers open between requests
# Load the app once, before forking: workers share its memory, and a settings error stops the
# server at once instead of each worker in turn. The schema is never created here: migrations
# run before any app server starts.
preload_app = True
# Replace each worker after this many requests (with jitter, so they do not all restart at
# once), which bounds the memory a slow leak could take.
max_requests = 2000
max_requests_jitter = 200
# The app itself reads X-Forwarded-* from SCORECARDS_PROXIES trusted hops (Werkzeug's
# ProxyFix); gunicorn trusts the scheme header only from these addresses.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# The proxy logs each request; gunicorn logs only errors, to standard error (the journal or
# the container's log).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Worker heartbeat files in memory, not on a disk that may stall (containers).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
# Gunicorn 27's control socket (gunicornc) would be one path for every server of a host: off.
control_socket_disable = True


def on_starting(server):
    """Start the metrics of this server's processes afresh (PROMETHEUS_MULTIPROC_DIR)."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        os.makedirs(folder, exist_ok=True)
        for name in os.listdir(folder):
            if name.endswith(".db"):
                os.remove(os.path.join(folder, name))


def child_exit(server, worker):
    """Let /metrics drop a finished worker's live gauges (prometheus_client's multiprocess mode).

    Its counters and histograms stay in PROMETHEUS_MULTIPROC_DIR and keep adding up.
    """
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
