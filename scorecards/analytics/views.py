"""Pages of HR and admins: panel agreement per rubric, and asking for it to be recomputed."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..authz import Action, Area, require
from . import services

bp = Blueprint("analytics", __name__)


@bp.get("/analytics/agreement")
@login_required
def agreement():
    """Show how far interview panels agree, rubric by rubric, as last computed."""
    require(current_user, Action.VIEW, Area.ANALYTICS)
    return render_template("analytics/agreement.html", report=services.agreement_by_rubric(),
                           refreshing=services.refresh_under_way())


@bp.post("/analytics/agreement/refresh")
@login_required
def refresh():
    """Start recomputing panel agreement in the background, then come back to the page."""
    require(current_user, Action.VIEW, Area.ANALYTICS)
    services.request_refresh(current_user)
    flash("Panel agreement is being recomputed. Reload this page in a minute for the new "
          "figures.", "info")
    return redirect(url_for("analytics.agreement"), code=303)
