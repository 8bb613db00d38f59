"""The landing page, and the health checks that load balancers and orchestrators poll."""

from datetime import timedelta

import redis
import sqlalchemy as sa
from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..committee.forms import LABELS
from ..core.vocabulary import Role
from ..errors import RETRY_AFTER_SECONDS
from ..extensions import db
from ..models import utcnow
from . import services

READY_TIMEOUT_SECONDS = 2

bp = Blueprint("home", __name__)


@bp.route("/")
@login_required
def index():
    """Show the signed-in user what each of their roles has waiting, one card a list."""
    now, window = utcnow(), timedelta(hours=current_app.config["SCORECARD_OVERDUE_HOURS"])
    roles = services.blocks_of(current_user)
    found: dict[str, object] = {}
    if Role.INTERVIEWER in roles:
        found["owed"] = services.owed(current_user, now, window)
    if Role.COMMITTEE in roles:
        found["awaiting"] = services.awaiting_decision(current_user)
        found["decisions"] = services.recent_decisions(current_user)
    if Role.HR in roles:
        openings = services.hr_openings(current_user)
        found.update(openings=openings, overdue=services.overdue_on(openings, now, window),
                     to_schedule=services.to_schedule(openings),
                     new=services.new_applications(openings, now))
    if Role.ADMIN in roles:
        found.update(users=services.user_counts(current_user),
                     jobs=services.job_counts(current_user, now))
    return render_template("home/index.html", roles=roles, now=now, shown=services.SHOWN,
                           new_days=services.NEW_DAYS, labels=LABELS, window=window, **found)


@bp.get("/favicon.ico")
def favicon():
    """Send the clients that ask for the icon by its old name to the site's icon."""
    return redirect(url_for("static", filename="favicon.svg"))


@bp.get("/health")
def health():
    """Answer that the process is up; it touches nothing else, so it stays cheap."""
    return {"status": "ok"}


@bp.get("/ready")
def ready():
    """Answer whether the process can serve: its database answers, and its Redis when set."""
    checks = {"database": _database_answers()}
    if current_app.config.get("REDIS_URL"):
        checks["redis"] = _redis_answers(current_app.config["REDIS_URL"])
    if all(state == "ok" for state in checks.values()):
        return {"status": "ok", **checks}
    return {"status": "unavailable", **checks}, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def _database_answers() -> str:
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError as error:
        current_app.logger.warning("Not ready: the database does not answer: %s", error)
        db.session.rollback()
        return "unavailable"
    db.session.rollback()
    return "ok"


def _redis_answers(url: str) -> str:
    try:
        client = redis.Redis.from_url(url, socket_timeout=READY_TIMEOUT_SECONDS,
                                      socket_connect_timeout=READY_TIMEOUT_SECONDS)
        with client:
            client.ping()
    except redis.RedisError as error:
        current_app.logger.warning("Not ready: Redis does not answer: %s", error)
        return "unavailable"
    return "ok"
