"""Redis and RQ workers fail under a running app: jobs are refused or failed with a reason."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid

import pytest
import sqlalchemy as sa

from scorecards.core.vocabulary import JobStatus, Role
from scorecards.extensions import db
from scorecards.jobs import kinds as job_kinds
from scorecards.jobs import services
from scorecards.models import Job

from .conftest import wait_until

pytestmark = pytest.mark.faults

TIMEOUT_SECONDS = 3
# A worker process as `flask jobs worker --simple` runs one, that knows a job that takes long.
# It says "ready" once loaded and starts work when told, so that the job's time limit (counted
# from its creation) does not run down while the worker imports the app.
WORKER = """
import sys, time
from rq import SimpleWorker
from scorecards import create_app
from scorecards.jobs import kinds as job_kinds
from scorecards.jobs.queue import rq_queue

@job_kinds.kind("long")
def long(job, actor):
    time.sleep(60)
    return job_kinds.Output("long.txt", "text/plain", [b"done"])

app = create_app()
with app.app_context():
    queue = rq_queue(app)
    print("ready", flush=True)
    sys.stdin.readline()
    SimpleWorker([queue], connection=queue.connection).work(burst=True)
"""


@pytest.fixture
def queued_app(app, own_redis):
    """Point the app at the test's own Redis, with a short job time limit."""
    app.config.update(JOBS_BACKEND="rq", REDIS_URL=own_redis.url,
                      JOB_TIMEOUT_SECONDS=TIMEOUT_SECONDS,
                      JOBS_QUEUE=f"faults-{uuid.uuid4().hex[:8]}")
    job_kinds.kind("long")(lambda job, actor: job_kinds.Output("long.txt", "text/plain", [b""]))
    yield app
    job_kinds.KINDS.pop("long")


def _status(client, job_id: int) -> str:
    return client.get(f"/files/{job_id}/status.json").json["status"]


def test_a_job_started_while_redis_is_down_fails_with_its_reason(queued_app, own_redis, client,
                                                                 make_user, sign_in):
    sign_in(make_user(Role.HR))
    own_redis.kill()
    ready = client.get("/ready")
    assert ready.status_code == 503
    assert ready.json == {"status": "unavailable", "database": "ok", "redis": "unavailable"}
    started = client.post("/hr/exports/", data={"kind": "applications", "format": "xlsx"})
    assert started.status_code == 303
    page = client.get(started.headers["Location"])
    assert page.status_code == 200
    assert b"The job queue could not be reached" in page.data

    own_redis.start()
    assert client.get("/ready").status_code == 200
    again = client.post("/hr/exports/", data={"kind": "applications", "format": "xlsx"})
    job_id = int(again.headers["Location"].rstrip("/").rpartition("/")[2])
    assert _status(client, job_id) == "queued"


def test_a_job_whose_worker_is_killed_shows_as_failed_with_its_reason(
        queued_app, own_redis, database_url, client, make_user, sign_in):
    user = make_user(Role.HR)
    sign_in(user)
    environment = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": own_redis.url,
                   "SECRET_KEY": "faults", "SCORECARDS_JOBS_QUEUE": queued_app.config["JOBS_QUEUE"]}
    worker = subprocess.Popen([sys.executable, "-c", WORKER], env=environment,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True)
    try:
        assert worker.stdout.readline().strip() == "ready"
        job = services.start(user, "long", "A long job", {})
        db.session.close()
        worker.stdin.write("go\n")
        worker.stdin.flush()
        wait_until(lambda: _status(client, job.id) == "running")
        worker.send_signal(signal.SIGKILL)  # mid-job, as when a machine goes away
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(timeout=10)
        worker.stdin.close()
        worker.stdout.close()
    assert db.session.scalar(sa.select(Job.status).where(Job.id == job.id)) == JobStatus.RUNNING
    wait_until(lambda: _status(client, job.id) == "failed", seconds=TIMEOUT_SECONDS + 5)
    page = client.get(f"/files/{job.id}")
    assert b"did not finish in time; its worker may have stopped" in page.data
