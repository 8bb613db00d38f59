"""Where jobs run: RQ workers beside Redis, a thread of the app's own process, or inline.

- ``rq`` (the default when ``REDIS_URL`` is set): the job goes to a Redis queue, and
  ``flask --app wsgi jobs worker`` processes on any machine take it. App servers stay free.
- ``thread`` (the embedded default): one background thread of the app process runs jobs in
  turn. Good for one machine and ``make run``; a job in flight is lost if the process stops,
  and shows as failed once it outruns its time limit.
- ``inline``: the job runs before the request that started it returns (tests, debugging).

A job whose RQ worker died mid-job (its machine went away, it was killed) is handed out again:
once the worker's heartbeat has lapsed, another worker's regular check finds the job abandoned
and queues it again (``REDELIVERIES`` times at most), and the runner takes over the job the dead
worker had claimed.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from functools import cache

from flask import Flask, current_app, has_app_context

from ..extensions import db
from ..observability import logs
from .runner import run

BACKENDS = ("rq", "thread", "inline")
REDELIVERIES = 2  # how often a job whose worker died is handed to another worker


def backend(app: Flask) -> str:
    """Return the backend the app's settings choose."""
    chosen = app.config.get("JOBS_BACKEND") or ("rq" if app.config.get("REDIS_URL") else "thread")
    if chosen not in BACKENDS:
        raise ValueError(f"JOBS_BACKEND is {chosen!r}; choose one of {', '.join(BACKENDS)}")
    return chosen


def dispatch(job_id: int) -> None:
    """Hand a stored job to the backend that runs it."""
    app = current_app._get_current_object()
    chosen = backend(app)
    request_id = logs.current("request_id")  # the job's log lines carry the request's id
    if chosen == "inline":
        run(job_id)
    elif chosen == "thread":
        _thread_pool().submit(_run_in, app, job_id, request_id)
    else:
        from rq import Retry

        rq_queue(app).enqueue_call(
            "scorecards.jobs.queue.perform", args=(job_id,),
            kwargs={"request_id": request_id} if request_id else None,
            timeout=app.config["JOB_TIMEOUT_SECONDS"], result_ttl=0,
            failure_ttl=24 * 3600, description=f"scorecards job {job_id}",
            retry=Retry(max=REDELIVERIES))


@cache
def _thread_pool() -> ThreadPoolExecutor:
    # One thread: jobs run in turn, and a packet job already uses every core while it renders.
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="scorecards-job")


def _run_in(app: Flask, job_id: int, request_id: str | None) -> None:
    with app.app_context(), logs.bound(request_id=request_id):
        try:
            run(job_id)
        finally:
            db.session.remove()


def rq_queue(app: Flask):
    """Return the app's RQ queue on its Redis."""
    from redis import Redis
    from rq import Queue

    return Queue(app.config["JOBS_QUEUE"],
                 connection=Redis.from_url(app.config["REDIS_URL"] or "redis://127.0.0.1:6379/0"))


def perform(job_id: int, request_id: str | None = None) -> None:
    """Run a job taken from the RQ queue: what RQ workers call."""
    from rq import get_current_job

    delivery = get_current_job()
    # A job handed out again had a worker that died: the job it claimed is this one's to finish.
    again = delivery is not None and delivery.retries_left is not None \
        and delivery.retries_left < REDELIVERIES
    with logs.bound(request_id=request_id):
        if has_app_context():  # a worker started by ``flask jobs worker`` carries the app
            run(job_id, again=again)
            return
        with _worker_app().app_context():
            run(job_id, again=again)


@cache
def _worker_app() -> Flask:
    """Return the app of a plain ``rq worker`` process, configured from its environment."""
    from .. import create_app

    return create_app()
