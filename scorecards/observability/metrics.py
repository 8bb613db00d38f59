"""Prometheus metrics at /metrics, for a scraper that holds METRICS_TOKEN.

Two sorts of figure: what processes counted as they worked (request latency by route, job
durations and failures: instruments.py), and what the database says at the moment of the
scrape, the same for every app server (jobs waiting, the queue's length, scorecards
overdue). Without METRICS_TOKEN the route does not exist.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import time
from collections.abc import Iterator
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask, Response, current_app, g, request
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from ..core.vocabulary import JobStatus
from ..extensions import db
from ..hr.services.reminders import overdue_count
from ..jobs.queue import backend, rq_queue
from ..models import Job, utcnow
from .instruments import REQUEST_SECONDS


def init_app(app: Flask) -> None:
    """Time every request into the latency histogram."""
    app.after_request(_observe)


def _observe(response: Response) -> Response:
    started = g.get("request_started")
    if started is not None:
        route = request.url_rule.rule if request.url_rule is not None else "(no route)"
        REQUEST_SECONDS.labels(request.method, route, str(response.status_code)).observe(
            time.perf_counter() - started)
    return response


def allowed(authorization: str | None, token: str) -> bool:
    """Tell whether an Authorization header carries the metrics token (in constant time)."""
    scheme, _, given = (authorization or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        hashlib.sha256(given.strip().encode()).digest(), hashlib.sha256(token.encode()).digest())


def exposition() -> bytes:
    """Return every metric in Prometheus's text format."""
    figures = CollectorRegistry(auto_describe=False)
    figures.register(Figures())
    return generate_latest(_counted()) + generate_latest(figures)


def _counted() -> CollectorRegistry:
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    merged = CollectorRegistry()
    MultiProcessCollector(merged)
    return merged


CONTENT_TYPE = CONTENT_TYPE_LATEST


class Figures(Collector):
    """What the database and the queue say now, read at each scrape."""

    def collect(self) -> Iterator[Metric]:
        """Yield the figures: scorecards overdue, jobs waiting and failed, the queue's length."""
        now = utcnow()
        hours = current_app.config["SCORECARD_OVERDUE_HOURS"]
        yield GaugeMetricFamily(
            "scorecards_scorecards_overdue",
            f"Scorecards not submitted {hours} hours after their interview.",
            value=overdue_count(now, timedelta(hours=hours)))
        waiting = GaugeMetricFamily("scorecards_jobs_waiting",
                                    "Background jobs queued or running, by kind and status.",
                                    labels=["kind", "status"])
        for kind, status, count in db.session.execute(
                sa.select(Job.kind, Job.status, sa.func.count())
                .where(Job.status.in_((JobStatus.QUEUED, JobStatus.RUNNING)))
                .group_by(Job.kind, Job.status)):
            waiting.add_metric([kind, status], count)
        yield waiting
        failed = GaugeMetricFamily("scorecards_jobs_failed_last_day",
                                   "Background jobs that failed in the last 24 hours, by kind.",
                                   labels=["kind"])
        for kind, count in db.session.execute(
                sa.select(Job.kind, sa.func.count())
                .where(Job.status == JobStatus.FAILED,
                       Job.finished_at >= now - timedelta(days=1))
                .group_by(Job.kind)):
            failed.add_metric([kind], count)
        yield failed
        db.session.rollback()
        if backend(current_app) == "rq":
            yield GaugeMetricFamily("scorecards_queue_length",
                                    "Jobs waiting in the Redis queue for a worker.",
                                    value=rq_queue(current_app).count)
