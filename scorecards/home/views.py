"""The landing page."""

from flask import Blueprint, render_template
from flask_login import current_user, login_required

bp = Blueprint("home", __name__)


@bp.route("/")
@login_required
def index():
    """Show the signed-in user where their work is."""
    return render_template("home/index.html", roles=sorted(current_user.roles))
