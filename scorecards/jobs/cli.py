"""``flask --app wsgi jobs worker|prune|schedule``: queued jobs, old files, periodic work."""

from __future__ import annotations

import logging
import time
from datetime import timedelta

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from ..extensions import db
from ..notifications.scheduler import holder_name, release_lease, tick
from ..packets.services import prune_packet_cache
from .queue import rq_queue
from .services import expire_files, forget_old_jobs

log = logging.getLogger(__name__)
jobs_cli = AppGroup("jobs", help="Background jobs: committee packets, large exports, mail and "
                                  "the periodic work.")


def init_app(app: Flask) -> None:
    """Add the jobs commands to the app's command line."""
    app.cli.add_command(jobs_cli)


@jobs_cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop once the queue is empty.")
@click.option("--simple", is_flag=True,
              help="Run each job in this process instead of a forked child (for debugging).")
@click.option("--check-every", type=click.IntRange(min=1), default=60, show_default=True,
              metavar="SECONDS",
              help="How often to look for jobs of workers that died, to hand them out again.")
def worker(burst: bool, simple: bool, check_every: int) -> None:
    """Take jobs from the Redis queue named by REDIS_URL and JOBS_QUEUE, and run them."""
    # Only a worker needs RQ (and with it redis-py): other commands start without them.
    from rq import SimpleWorker, Worker

    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException(
            "REDIS_URL is not set: a worker takes jobs from the Redis queue that REDIS_URL names "
            "(e.g. redis://127.0.0.1:6379/0). Without it, jobs run in the app's own process.")
    queue = rq_queue(current_app)
    # Work horses are forked from this process: leave them no database connection to share.
    db.engine.dispose()
    kind = SimpleWorker if simple else Worker
    # A dead worker's job is found once its heartbeat (sent this often, and lasting a minute
    # longer) lapses and a live worker next checks. An idle worker checks when its wait for a
    # job ends: that wait is the worker's time to live less 15 s. RQ's own defaults take up to
    # 10 minutes.
    kind([queue], connection=queue.connection, maintenance_interval=check_every,
         job_monitoring_interval=min(check_every, 30),
         worker_ttl=check_every + 15).work(burst=burst)


@jobs_cli.command("prune")
@click.option("--days", type=click.IntRange(min=1), default=30, show_default=True,
              help="Forget jobs, and cached packets unused, for longer than this.")
def prune(days: int) -> None:
    """Delete expired job files, old jobs and cached packets nobody used for a while.

    Suitable for cron, e.g. hourly.
    """
    expired = expire_files()
    forgotten = forget_old_jobs(timedelta(days=days))
    db.session.commit()
    packets = prune_packet_cache(timedelta(days=days))
    click.echo(f"Deleted {expired} expired job file(s), {forgotten} old job(s) and "
               f"{packets} cached packet(s) unused for {days} days.")


@jobs_cli.command("schedule")
@click.option("--once", is_flag=True,
              help="Do one round and stop (for cron and tests); the lease is given up after.")
@click.option("--every", type=click.IntRange(min=1), default=None,
              help="Seconds between rounds (default: SCHEDULER_TICK_SECONDS).")
def schedule(once: bool, every: int | None) -> None:
    """Deliver mail, send the reminders due, prune, apply retention and refresh summaries.

    Run one per deployment, or more: only the process that holds the lease in the database
    acts, the others wait to take it over if it stops.
    """
    if not current_app.config.get("PUBLIC_URL"):
        raise click.ClickException(
            "SCORECARDS_PUBLIC_URL is not set: the reminders the scheduler sends link to the "
            "service, and outside a request it has no other address (e.g. "
            "https://scorecards.example.com).")
    holder = holder_name()
    every = every or current_app.config["SCHEDULER_TICK_SECONDS"]
    waiting = False
    try:
        while True:
            try:
                done = tick(holder)
            except Exception:
                if once:
                    raise
                # The database or the mail server away for a while: try again next round.
                db.session.rollback()
                log.exception("the scheduler's round failed; trying again in %d s", every)
                time.sleep(every)
                continue
            if not done.acted and not waiting:
                click.echo("Another scheduler holds the lease; waiting to take it over.")
            elif done.sent or done.reminders or done.ran or once:
                click.echo(f"Sent {done.sent} mail(s); queued {done.reminders} reminder(s)"
                           + (f"; ran {', '.join(done.ran)}" if done.ran else "") + ".")
            waiting = not done.acted
            db.session.remove()
            if once:
                break
            time.sleep(every)
    finally:
        release_lease(holder)
