"""Jobs through Redis and RQ workers, the way several machines share the work.

They use the Redis server at REDIS_TEST_URL (CI machines run one on 127.0.0.1:6379).
"""

import json
import os
import uuid

import pytest
import sqlalchemy as sa

from scorecards.core.vocabulary import JobStatus, Role
from scorecards.extensions import db
from scorecards.jobs import kinds as job_kinds
from scorecards.jobs import services
from scorecards.jobs.queue import rq_queue
from scorecards.models import Job

REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def queue(app, monkeypatch):
    """Point the app at a queue of its own on the test Redis; delete it afterwards.

    Without a Redis server here, an in-process stand-in (fakeredis) takes its place, so the
    queue and the worker are exercised on every machine; CI machines have the real server.
    """
    from redis import Redis
    from redis.exceptions import ConnectionError

    app.config.update(JOBS_BACKEND="rq", REDIS_URL=REDIS_TEST_URL,
                      JOBS_QUEUE=f"scorecards-test-{uuid.uuid4().hex[:8]}")
    try:
        Redis.from_url(REDIS_TEST_URL).ping()
    except ConnectionError:
        import fakeredis

        server = fakeredis.FakeServer()
        monkeypatch.setattr(Redis, "from_url", classmethod(
            lambda cls, url, **kwargs: fakeredis.FakeRedis(server=server)))
    queue = rq_queue(app)
    yield queue
    queue.delete(delete_jobs=True)
    queue.connection.close()


@pytest.fixture
def note(app):
    job_kinds.kind("note")(lambda job, actor: job_kinds.Output("note.txt", "text/plain",
                                                             [f"for {actor.name}".encode()]))
    yield
    job_kinds.KINDS.pop("note")


def test_a_job_waits_in_the_queue_until_a_worker_takes_it(queue, note, make_user):
    from rq import SimpleWorker

    job = services.start(make_user(Role.HR, name="Hanna Reyes"), "note", "A note", {})
    assert job.status == JobStatus.QUEUED
    assert queue.count == 1
    SimpleWorker([queue], connection=queue.connection).work(burst=True)
    db.session.refresh(job)
    assert job.status == JobStatus.DONE
    assert b"".join(services.file_chunks(job)) == b"for Hanna Reyes"


def test_the_worker_command_runs_what_is_queued(queue, note, make_user, runner):
    user = make_user(Role.HR)
    ids = [services.start(user, "note", f"Note {n}", {}).id for n in range(3)]
    db.session.remove()  # the worker drops the app's connections before it starts
    result = runner.invoke(args=["jobs", "worker", "--burst", "--simple"])
    assert result.exit_code == 0, result.output
    assert set(db.session.scalars(sa.select(Job.status).where(Job.id.in_(ids)))) == {"done"}
    assert queue.count == 0


def test_a_job_logs_with_the_id_of_the_request_that_started_it(queue, note, make_user, capsys):
    from rq import SimpleWorker

    from scorecards.observability import logs

    logs.configure("json", "INFO")
    with logs.bound(request_id="started-by-12345678"):
        job = services.start(make_user(Role.HR), "note", "A note", {})
    capsys.readouterr()
    SimpleWorker([queue], connection=queue.connection).work(burst=True)
    ended = [json.loads(line) for line in capsys.readouterr().err.splitlines()
             if line.startswith('{"') and "ended" in line]
    assert [(line["request_id"], line["job_id"], line["message"]) for line in ended] == [
        ("started-by-12345678", job.id, f"job {job.id} (note) ended done")]
def test_a_job_handed_out_again_after_its_worker_died_is_finished(queue, note, make_user):
    from rq import SimpleWorker
    from rq.job import Job as RQJob

    job = services.start(make_user(Role.HR, name="Hanna Reyes"), "note", "A note", {})
    # The first worker claimed the job and died: the job stays running in the database, and
    # RQ, finding it abandoned, queues it again with one hand-out fewer left.
    db.session.execute(sa.update(Job).where(Job.id == job.id).values(status=JobStatus.RUNNING))
    db.session.commit()
    (delivery,) = [RQJob.fetch(rq_id, connection=queue.connection) for rq_id in queue.job_ids]
    queue.remove(delivery)
    with queue.connection.pipeline() as pipeline:
        delivery.retry(queue, pipeline)
        pipeline.execute()
    SimpleWorker([queue], connection=queue.connection).work(burst=True)
    db.session.refresh(job)
    assert job.status == JobStatus.DONE
    assert b"".join(services.file_chunks(job)) == b"for Hanna Reyes"


def test_a_first_delivery_leaves_a_job_another_worker_is_running_alone(queue, note, make_user):
    from rq import SimpleWorker

    job = services.start(make_user(Role.HR), "note", "A note", {})
    db.session.execute(sa.update(Job).where(Job.id == job.id).values(status=JobStatus.RUNNING))
    db.session.commit()
    SimpleWorker([queue], connection=queue.connection).work(burst=True)
    db.session.refresh(job)
    assert job.status == JobStatus.RUNNING
