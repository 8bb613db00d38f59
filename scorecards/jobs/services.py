"""Background jobs: start one, run it, keep its file, hand the file to whoever asked for it.

A job is a row in the database (the one source of truth every app server and worker shares);
its file is stored beside it in chunks, written and read one chunk at a time, so that a file
of any size passes through in flat memory. Only the user who asked for a job sees it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from ..core.vocabulary import JobStatus
from ..extensions import db
from ..models import Application, Job, JobChunk, Opening, User, utcnow
from ..paging import Page, keyset_page
from .kinds import ERASED_MEANWHILE, IMPERSONAL, KINDS
from .queue import dispatch
from .runner import UNFINISHED, fail

log = logging.getLogger(__name__)
JOBS = "jobs"  # the kind of the jobs list's cursors


def start(actor: User, kind_name: str, title: str, params: dict) -> Job:
    """Store a new job and hand it to the configured queue; return it (maybe already done)."""
    if kind_name not in KINDS:
        raise ValueError(f"no job of kind {kind_name!r}")
    job = Job(kind=kind_name, title=title[:200], params=params, requested_by=actor)
    db.session.add(job)
    db.session.commit()
    try:
        dispatch(job.id)
    except Exception:  # a queue that cannot be reached must not lose the request silently
        log.exception("could not queue job %s", job.id)
        fail(job.id, "The job queue could not be reached, so nothing was started. "
                      "Try again in a minute; if it keeps failing, tell an administrator.")
    db.session.refresh(job)
    return job


def job_of(actor: User, job_id: int) -> Job | None:
    """Return the actor's own job with this id, or None (someone else's job is not theirs)."""
    job = db.session.get(Job, job_id)
    return job if job is not None and job.requested_by_id == actor.id else None


def jobs_of(actor: User, limit: int = 50, after: str | None = None,
            before: str | None = None) -> Page[Job]:
    """Return a page of the actor's jobs, newest first, paged by key.

    after continues below a page (older jobs), before above it; either raises ValueError for
    a cursor this list never issued.
    """
    return keyset_page(sa.select(Job).where(Job.requested_by_id == actor.id),
                       (Job.created_at, Job.id), JOBS, limit=limit, after=after,
                       before=before, fetch=lambda select: db.session.scalars(select).all())


def state(job: Job, now: datetime | None = None) -> JobStatus:
    """Return where the job is, counting a job that outran its time limit as failed."""
    now = now or utcnow()
    if job.status == JobStatus.DONE and job.expires_at and job.expires_at <= now:
        return JobStatus.EXPIRED
    limit = timedelta(seconds=current_app.config["JOB_TIMEOUT_SECONDS"])
    if job.status in (JobStatus.QUEUED, JobStatus.RUNNING) and job.created_at + limit < now:
        return JobStatus.FAILED  # its worker stopped, or the queue never picked it up
    return JobStatus(job.status)


def problem(job: Job, now: datetime | None = None) -> str | None:
    """Return why a job has no file to offer, in words for its requester, or None."""
    current = state(job, now)
    if current is JobStatus.FAILED:
        return job.error or "The job did not finish in time; its worker may have stopped. " \
                            "Start it again."
    if current is JobStatus.EXPIRED:
        return "The file has been deleted, as every prepared file is after a while. " \
               "Start the job again for a fresh copy."
    return None


def file_chunks(job: Job) -> Iterator[bytes]:
    """Yield the job's file a chunk at a time, reading one chunk per query."""
    seq = 0
    while (data := db.session.scalar(sa.select(JobChunk.data).where(
            JobChunk.job_id == job.id, JobChunk.seq == seq))) is not None:
        yield data
        seq += 1


def expire_files(job_ids: Iterable[int] | None = None, *, now: datetime | None = None) -> int:
    """Delete the files of these jobs (or of every job past its time); return how many.

    Only the chunks go: the job rows stay, marked expired, so their requesters are told
    what happened instead of finding a missing page.
    """
    now = now or utcnow()
    done = sa.select(Job.id).where(Job.status == JobStatus.DONE)
    done = done.where(Job.id.in_(list(job_ids))) if job_ids is not None \
        else done.where(Job.expires_at <= now)
    ids = list(db.session.scalars(done))
    if ids:
        db.session.execute(sa.delete(JobChunk).where(JobChunk.job_id.in_(ids)))
        db.session.execute(sa.update(Job).where(Job.id.in_(ids))
                           .values(status=JobStatus.EXPIRED, expires_at=now))
    return len(ids)


def files_touching(application_ids: Iterable[int]) -> list[int]:
    """Return the jobs whose files may hold these applications' personal data.

    A committee packet lists the applications it holds; an export of everything HR may see
    could hold anyone, so every export file counts; a summary refresh holds nobody.
    """
    wanted = {int(i) for i in application_ids}
    rows = db.session.execute(sa.select(Job.id, Job.kind, Job.params)
                              .where(Job.status == JobStatus.DONE)).all()
    return [job_id for job_id, kind_name, params in rows
            if kind_name not in IMPERSONAL and (
                kind_name != "meeting_packet"
                or wanted.intersection(params.get("application_ids", ())))]


def cancel_jobs_touching(application_ids: Iterable[int]) -> int:
    """Stop the queued and running jobs that may read these applications; return how many.

    A committee packet of one of their openings could hold them, and an export could hold
    anyone; a summary refresh reads scores, which erasure keeps, and holds nobody. A
    cancelled job is failed with a reason that names nobody, and stores nothing. The caller
    holds the erasure lock, so no job is claimed or stored meanwhile.
    """
    ids = [int(i) for i in application_ids]
    openings = set(db.session.scalars(sa.select(Opening.key).join(Application.opening)
                                      .where(Application.id.in_(ids))))
    rows = db.session.execute(sa.select(Job.id, Job.kind, Job.params)
                              .where(Job.status.in_(UNFINISHED))).all()
    touching = [job_id for job_id, kind_name, params in rows
                if kind_name not in IMPERSONAL and (
                    kind_name != "meeting_packet" or params.get("opening") in openings
                    or set(ids).intersection(params.get("application_ids", ())))]
    if not touching:
        return 0
    return db.session.execute(
        sa.update(Job).where(Job.id.in_(touching), Job.status.in_(UNFINISHED))
        .values(status=JobStatus.FAILED, error=ERASED_MEANWHILE, finished_at=utcnow())
        .execution_options(synchronize_session=False)).rowcount


def forget_old_jobs(older_than: timedelta, *, now: datetime | None = None) -> int:
    """Delete job rows (with any chunks left) created longer ago than this; return how many."""
    cutoff = (now or utcnow()) - older_than
    return db.session.execute(sa.delete(Job).where(Job.created_at < cutoff)).rowcount
