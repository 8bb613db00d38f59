"""Measurement pages: agreement per rubric and competency, interviewers' scoring habits.

HR and admins see everything; an interviewer sees their own report.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..authz import Action, Area, require
from ..paging import requested_page
from . import services

bp = Blueprint("analytics", __name__)


@bp.get("/analytics/agreement")
@login_required
def agreement():
    """Show how far interviewers agree, rubric by rubric, as last fitted."""
    return render_template("analytics/agreement.html",
                           report=services.agreement_report(current_user),
                           refreshing=services.refresh_under_way(), band=services.band)


@bp.get("/analytics/rubrics/<key>")
@login_required
def rubric(key: str):
    """Show which of a rubric's competencies tell candidates apart, as last fitted."""
    try:
        report = services.agreement_report(current_user, key)
    except LookupError:
        abort(404)
    return render_template("analytics/rubric.html", report=report, rubric=report.rubrics[0],
                           band=services.band)


@bp.post("/analytics/agreement/refresh")
@login_required
def refresh():
    """Start fitting the measurement models in the background, then go back."""
    require(current_user, Action.VIEW, Area.ANALYTICS)
    services.request_refresh(current_user)
    flash("The measurement models are being fitted. Reload this page in a minute or two for "
          "the new figures.", "info")
    return redirect(url_for("analytics.agreement"), code=303)


@bp.get("/analytics/agreement/refresh")
@login_required
def refresh_form():
    """Answer a visit to the refresh button's address with the page that holds the button."""
    return redirect(url_for("analytics.agreement"))


@bp.get("/analytics/interviewers")
@login_required
def interviewers():
    """List the interviewers measured in the window, with how many habits are flagged."""
    flagged = request.args.get("flagged") == "1"
    page = requested_page(lambda after, before: services.interviewers(
        current_user, after=after, before=before, flagged_only=flagged), "the first name")
    return render_template("analytics/interviewers.html", page=page, flagged=flagged)


@bp.get("/analytics/interviewers/<int:interviewer_id>")
@login_required
def interviewer(interviewer_id: int):
    """Show how an interviewer scores against each rubric's norm, as last fitted."""
    report = services.interviewer_report(current_user, interviewer_id)
    return render_template("analytics/interviewer.html", report=report,
                           own=interviewer_id == current_user.id,
                           everyone=services.can_see_everyone(current_user))
