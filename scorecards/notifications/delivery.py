"""Delivery of the outbox: each due mail sent once, retried with back-off, then given up.

Delivery runs after every commit that queued a mail (as an RQ job with the rq backend, on
the app's thread or inline with the others) and on every tick of the scheduler, which also
takes what a lost job left behind. A mail is claimed by raising its attempts in one UPDATE
that only one process can win, so two deliveries at once never send it twice. Logs name mails
by id: never a candidate, never an address.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from functools import cache

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..extensions import db
from ..hr.services import mail
from ..jobs.queue import backend, rq_queue
from ..models import Notification, NotificationStatus, User, utcnow
from .outbox import DELIVERS_ITSELF, QUEUED_FLAG

log = logging.getLogger(__name__)
BATCH = 100  # mails sent per round of a delivery


def deliver_due(now: datetime | None = None) -> int:
    """Send every queued mail whose attempt is due; return how many were sent."""
    sent = 0
    with Session(db.engine) as session:
        while True:
            now_ = now or utcnow()
            due = session.scalars(
                sa.select(Notification.id).where(
                    Notification.status == NotificationStatus.QUEUED,
                    Notification.next_attempt_at <= now_)
                .order_by(Notification.next_attempt_at, Notification.id).limit(BATCH)).all()
            if not due:
                return sent
            progressed = False
            for notification_id in due:
                outcome = _attempt(session, notification_id, now_)
                sent += outcome == "sent"
                progressed |= outcome != "taken"
            if not progressed or now is not None and len(due) < BATCH:
                return sent


def _attempt(session: Session, notification_id: int, now: datetime) -> str:
    """Claim one mail, try it, and store what happened: sent, retry, failed or taken."""
    config = current_app.config
    retry = timedelta(seconds=config["NOTIFICATION_RETRY_SECONDS"])
    # The claim pushes the next attempt past a stuck send, so nobody else takes it meanwhile.
    claimed = session.execute(
        sa.update(Notification).where(Notification.id == notification_id,
                                      Notification.status == NotificationStatus.QUEUED,
                                      Notification.next_attempt_at <= now)
        .values(attempts=Notification.attempts + 1, next_attempt_at=now + retry)).rowcount
    session.commit()
    if not claimed:
        return "taken"
    found = session.get(Notification, notification_id)
    recipient = session.get(User, found.recipient_id)
    message = mail.Message(to=recipient.email, subject=found.subject, body=found.body,
                           cc=tuple(found.cc or ()), calendar=found.calendar,
                           calendar_method=found.calendar_method)
    try:
        mail.sender().send(message)
    except mail.MailError as failed:
        found.last_error = _without_addresses(str(failed), message)
        if found.attempts >= config["NOTIFICATION_MAX_ATTEMPTS"]:
            found.status = NotificationStatus.FAILED
            log.error("notification %s (%s) failed after %d attempts", found.id, found.kind,
                      found.attempts)
            outcome = "failed"
        else:
            found.next_attempt_at = now + retry * 2 ** (found.attempts - 1)
            log.warning("notification %s (%s) not sent (attempt %d), retried at %s", found.id,
                        found.kind, found.attempts, found.next_attempt_at.isoformat())
            outcome = "retry"
    else:
        found.status, found.sent_at, found.last_error = NotificationStatus.SENT, now, None
        log.info("notification %s (%s) sent", found.id, found.kind)
        outcome = "sent"
    session.commit()
    return outcome


def _without_addresses(error: str, message: mail.Message) -> str:
    """Return a server's answer with the recipients' addresses taken out."""
    for address in (message.to, *message.cc):
        error = error.replace(address, "<recipient>")
    return error[:1000]


def prune_notifications(now: datetime, days: int) -> int:
    """Delete the mails sent or failed more than days ago; return how many."""
    cutoff = now - timedelta(days=days)
    deleted = db.session.execute(sa.delete(Notification).where(
        Notification.status != NotificationStatus.QUEUED,
        sa.func.coalesce(Notification.sent_at, Notification.next_attempt_at) < cutoff)).rowcount
    db.session.commit()
    return deleted


def init_app(app: Flask) -> None:
    """Deliver the mails a transaction queued once it commits."""
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)


def _after_commit(session: Session) -> None:
    if session.info.pop(QUEUED_FLAG, None) and has_app_context() \
            and not session.info.get(DELIVERS_ITSELF):
        deliver_soon(current_app._get_current_object())


def _after_rollback(session: Session) -> None:
    session.info.pop(QUEUED_FLAG, None)


def deliver_soon(app: Flask) -> None:
    """Start a delivery of the outbox on the backend the settings choose."""
    chosen = backend(app)
    if chosen == "inline":
        deliver_due()
    elif chosen == "thread":
        _pool().submit(_deliver_in, app)
    else:
        try:
            rq_queue(app).enqueue_call("scorecards.notifications.delivery.perform",
                                       timeout=600, result_ttl=0, failure_ttl=24 * 3600,
                                       description="scorecards notifications")
        except Exception:  # Redis away: the scheduler's next tick delivers instead
            log.warning("could not queue a delivery of notifications; the scheduler will")


@cache
def _pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="scorecards-mail")


def _deliver_in(app: Flask) -> None:
    with app.app_context():
        try:
            deliver_due()
        except Exception:
            log.exception("delivery of notifications failed; the scheduler will retry")


def perform() -> None:
    """Deliver the outbox from an RQ worker: what the queued job calls."""
    if has_app_context():
        deliver_due()
        return
    from .. import create_app

    with create_app().app_context():
        deliver_due()
