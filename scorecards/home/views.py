"""The landing page, and the health check that load balancers poll."""

from flask import Blueprint, render_template
from flask_login import current_user, login_required

bp = Blueprint("home", __name__)


@bp.route("/")
@login_required
def index():
    """Show the signed-in user where their work is."""
    return render_template("home/index.html", roles=sorted(current_user.roles))


@bp.get("/health")
def health():
    """Answer that the process is up; it touches nothing else, so it stays cheap."""
    return {"status": "ok"}
