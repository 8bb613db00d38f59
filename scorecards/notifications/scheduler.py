"""The scheduler: periodic work of the deployment, done by one process at a time.

Each tick delivers the mails due and queues the reminders due; hourly it prunes expired job
files; daily it applies the retention rule and deletes old mails; nightly it refreshes the
summaries and the calibration fit. Any number of ``flask jobs schedule`` processes may run:
only the holder of the lease (a row of scheduler_leases, taken by one conditional UPDATE that
the database lets one writer win, on PostgreSQL and SQLite alike) acts; the others wait for it
to expire, which it does SCHEDULER_LEASE_SECONDS after its holder last ticked.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from ..analytics.summaries import refresh
from ..extensions import db
from ..fairness.services import retire_answers
from ..jobs.services import expire_files, forget_old_jobs
from ..models import SchedulerLease, utcnow
from ..packets.services import prune_packet_cache
from ..privacy.services import apply_retention
from .delivery import deliver_due, prune_notifications
from .outbox import DELIVERS_ITSELF
from .reminders import send_due_reminders

log = logging.getLogger(__name__)
LEASE = "scheduler"
JOBS_KEEP = timedelta(days=30)  # as `flask jobs prune` by default
RELEASED = datetime(1970, 1, 1, tzinfo=UTC)  # the expiry of a lease given up


def holder_name() -> str:
    """Return a name for this process that no other process shares."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"[:100]


def take_lease(holder: str, now: datetime, seconds: int) -> bool:
    """Take or renew the scheduler's lease for holder; tell whether it holds it now."""
    expires = now + timedelta(seconds=seconds)
    taken = db.session.execute(
        sa.update(SchedulerLease)
        .where(SchedulerLease.name == LEASE,
               sa.or_(SchedulerLease.holder == holder, SchedulerLease.expires_at < now))
        .values(holder=holder, expires_at=expires)
        .execution_options(synchronize_session=False)).rowcount
    if taken:
        db.session.commit()
        return True
    db.session.rollback()
    if db.session.get(SchedulerLease, LEASE) is not None:
        db.session.rollback()
        return False
    try:
        db.session.add(SchedulerLease(name=LEASE, holder=holder, expires_at=expires,
                                      last_runs={}))
        db.session.commit()
    except IntegrityError:  # another process created it first, and holds it
        db.session.rollback()
        return False
    return True


def release_lease(holder: str) -> None:
    """Give the lease up, if holder has it, so another process may take it at once."""
    db.session.execute(sa.update(SchedulerLease)
                       .where(SchedulerLease.name == LEASE, SchedulerLease.holder == holder)
                       .values(expires_at=RELEASED)
                       .execution_options(synchronize_session=False))
    db.session.commit()


@dataclass
class Tick:
    """What one tick did."""

    acted: bool
    sent: int = 0
    reminders: int = 0
    ran: list[str] = field(default_factory=list)  # the periodic tasks that were due


def _periodic() -> dict[str, tuple[Callable[[datetime, datetime | None], bool], Callable]]:
    """Return each periodic task: when it is due (from its last run) and what it does."""
    config = current_app.config

    def hourly(now, last):
        return last is None or now - last >= timedelta(hours=1)

    def daily(now, last):
        return last is None or now.date() > last.date()

    def nightly(now, last):
        return now.hour >= config["SCHEDULER_NIGHTLY_HOUR"] and daily(now, last)

    def prune_jobs(now):
        expire_files(now=now)
        forget_old_jobs(JOBS_KEEP, now=now)
        db.session.commit()
        prune_packet_cache(JOBS_KEEP)

    def retention(now):
        apply_retention(now, config["RETENTION_MONTHS"])
        retire_answers(now, config["SELF_IDENTIFICATION_RETENTION_MONTHS"])
        prune_notifications(now, config["NOTIFICATION_KEEP_DAYS"])

    return {"prune": (hourly, prune_jobs), "retention": (daily, retention),
            "summaries": (nightly, lambda now: refresh())}


def tick(holder: str, now: datetime | None = None, *, periodic: bool = True) -> Tick:
    """Do one round of the scheduler's work if holder holds (or can take) the lease."""
    now = now or utcnow()
    if not take_lease(holder, now, current_app.config["SCHEDULER_LEASE_SECONDS"]):
        return Tick(acted=False)
    done = Tick(acted=True)
    # The reminders are delivered below, at this tick's time, rather than one by one as each
    # commits.
    db.session.info[DELIVERS_ITSELF] = True
    try:
        done.reminders = send_due_reminders(now)
    finally:
        db.session.info.pop(DELIVERS_ITSELF, None)
    done.sent = deliver_due(now)
    if periodic:
        done.ran = _run_periodic(holder, now)
    return done


def _run_periodic(holder: str, now: datetime) -> list[str]:
    lease = db.session.get(SchedulerLease, LEASE)
    last_runs = dict(lease.last_runs or {})
    ran = []
    for name, (due, work) in _periodic().items():
        last = last_runs.get(name)
        if not due(now, datetime.fromisoformat(last) if last else None):
            continue
        # Renewed before each task, as a nightly refresh may outlast the lease; lost, if
        # another process took it over meanwhile, then this one stops here.
        if not take_lease(holder, max(now, utcnow()),
                          current_app.config["SCHEDULER_LEASE_SECONDS"]):
            break
        try:
            work(now)
        except Exception:  # one failing task must not stop the others, nor the loop
            db.session.rollback()
            log.exception("scheduled task %s failed; it is tried again next tick", name)
            continue
        last_runs[name] = now.isoformat()
        ran.append(name)
        lease = db.session.get(SchedulerLease, LEASE)
        lease.last_runs = dict(last_runs)
        db.session.commit()
    return ran
