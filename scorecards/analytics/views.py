"""Pages of HR and admins: panel agreement per rubric."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from ..authz import Action, Area, require
from . import services

bp = Blueprint("analytics", __name__)


@bp.get("/analytics/agreement")
@login_required
def agreement():
    """Show how far interview panels agree, rubric by rubric."""
    require(current_user, Action.VIEW, Area.ANALYTICS)
    return render_template("analytics/agreement.html", rubrics=services.agreement_by_rubric())
