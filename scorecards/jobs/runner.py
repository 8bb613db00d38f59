"""Run a stored job: claim it, do its kind's work as its requester, store its file in chunks.

Every backend (an RQ worker, the app's thread, inline) ends here, so a job behaves the same
wherever it runs.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from datetime import timedelta

import sqlalchemy as sa
from blinker import Namespace
from flask import current_app

from ..core.errors import NotVisible
from ..core.vocabulary import JobStatus
from ..extensions import db
from ..models import Job, JobChunk, utcnow
from ..observability import logs
from ..observability.instruments import JOB_FAILURES, JOB_SECONDS
from ..privacy.lock import hold_erasure_lock
from .kinds import KINDS, JobError

log = logging.getLogger(__name__)
_signals = Namespace()
# Sent with the job's id when its work is done and its file is about to be stored: the
# moment an erasure must not slip past (instrumentation and tests listen to it).
job_storing = _signals.signal("job-storing")
UNFINISHED = (JobStatus.QUEUED, JobStatus.RUNNING)


def run(job_id: int, again: bool = False) -> None:
    """Do a queued job and store its file; a job already taken by a worker is left alone.

    Given again (the job is handed out anew because the worker that took it died), a job that
    worker left running is taken over; whatever it had stored went with its transaction.
    A job that an erasure cancelled while it ran stores nothing: its file is kept only if it
    is still running when it is stored, checked under the erasure lock. How long it ran and
    how it ended are counted for /metrics, and every line it logs names it.
    """
    started = time.perf_counter()
    with logs.bound(job_id=job_id):
        if not _run(job_id, again):
            return
        ended = db.session.execute(
            sa.select(Job.kind, Job.status).where(Job.id == job_id)).first()
        db.session.rollback()
        if ended is None:  # an erasure took it away
            return
        kind, status = ended
        JOB_SECONDS.labels(kind, status).observe(time.perf_counter() - started)
        if status == JobStatus.FAILED:
            JOB_FAILURES.labels(kind).inc()
        log.info("job %s (%s) ended %s", job_id, kind, status)


def _run(job_id: int, again: bool) -> bool:
    """Run the job if it is still queued; return whether this call took it."""
    hold_erasure_lock(shared=True)  # an erasure under way finishes before this job reads
    takeable = UNFINISHED if again else (JobStatus.QUEUED,)
    claimed = db.session.execute(
        sa.update(Job).where(Job.id == job_id, Job.status.in_(takeable))
        .values(status=JobStatus.RUNNING, started_at=utcnow())).rowcount
    db.session.commit()
    if not claimed:  # unknown, delivered twice (the first delivery does it), or cancelled
        return False
    job = db.session.get(Job, job_id)
    try:
        output = KINDS[job.kind](job, job.requested_by)
        job_storing.send(current_app._get_current_object(), job_id=job_id)
        size = _store(job.id, output.chunks)
    except (JobError, NotVisible) as error:
        db.session.rollback()
        fail(job_id, _reason(error))
        return True
    except Exception:
        db.session.rollback()
        log.exception("job %s (%s) failed", job_id, job.kind)
        fail(job_id, "Something went wrong while preparing the file; it has been logged. "
                      "Try again, and tell an administrator if it fails again.")
        return True
    db.session.flush()  # what the work changed on the job (a packet's applications)
    hold_erasure_lock(shared=True)
    now = utcnow()
    done = db.session.execute(
        sa.update(Job).where(Job.id == job_id, Job.status == JobStatus.RUNNING)
        .values(status=JobStatus.DONE, finished_at=now, size=size, filename=output.filename,
                mimetype=output.mimetype,
                expires_at=now + timedelta(hours=current_app.config["JOB_FILE_HOURS"]))
        .execution_options(synchronize_session=False)).rowcount
    if not done:  # cancelled meanwhile: its file goes, its reason stays
        db.session.rollback()
        return True
    db.session.commit()
    return True


def _reason(error: Exception) -> str:
    if isinstance(error, NotVisible):  # the requester may no longer see what they asked for
        return "You may no longer see what this job was to contain, so it was not made."
    return str(error)


def _store(job_id: int, chunks: Iterable[bytes]) -> int:
    """Write a stream into the job's chunks of the configured size; return the bytes written."""
    limit = current_app.config["JOB_CHUNK_BYTES"]
    buffer, seq, size = bytearray(), 0, 0
    for piece in chunks:
        buffer += piece
        while len(buffer) >= limit:
            _insert_chunk(job_id, seq, bytes(buffer[:limit]))
            del buffer[:limit]
            seq, size = seq + 1, size + limit
    if buffer or seq == 0:
        _insert_chunk(job_id, seq, bytes(buffer))
        size += len(buffer)
    return size


def _insert_chunk(job_id: int, seq: int, data: bytes) -> None:
    # A Core insert: nothing stays in the session, so memory does not grow with the file.
    db.session.execute(sa.insert(JobChunk).values(job_id=job_id, seq=seq, data=data))


def fail(job_id: int, message: str) -> None:
    """Mark an unfinished job failed with a reason for its requester."""
    # A job cancelled meanwhile keeps the reason it was cancelled for.
    db.session.execute(sa.update(Job).where(Job.id == job_id, Job.status.in_(UNFINISHED))
                       .values(status=JobStatus.FAILED, error=message, finished_at=utcnow()))
    db.session.commit()
