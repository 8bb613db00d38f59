"""The metrics this process counts as it works; metrics.py serves them with the figures.

Kept apart from everything else, so that any module (the job runner) can count into them
without importing the app's areas. Under several processes (gunicorn's workers, RQ's work
horses) prometheus_client keeps them in files under PROMETHEUS_MULTIPROC_DIR, set in the
processes' environment, and adds the files up when /metrics is read.
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram, disable_created_metrics

# The *_created series only say when a process started counting; they double the output.
disable_created_metrics()

REQUEST_SECONDS = Histogram(
    "scorecards_http_request_duration_seconds",
    "Time to answer a request, by method, route and status.",
    ["method", "route", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
JOB_SECONDS = Histogram(
    "scorecards_job_duration_seconds",
    "Time a background job ran, by kind and how it ended (done, failed, cancelled).",
    ["kind", "outcome"],
    buckets=(0.1, 0.5, 1, 5, 15, 60, 300, 900, 1800))
JOB_FAILURES = Counter(
    "scorecards_job_failures_total", "Background jobs that failed, by kind.", ["kind"])
