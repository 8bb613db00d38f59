"""The landing page, and the health checks that load balancers and orchestrators poll."""

import redis
import sqlalchemy as sa
from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..errors import RETRY_AFTER_SECONDS
from ..extensions import db

READY_TIMEOUT_SECONDS = 2

bp = Blueprint("home", __name__)


@bp.route("/")
@login_required
def index():
    """Show the signed-in user where their work is."""
    return render_template("home/index.html", roles=sorted(current_user.roles))


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
