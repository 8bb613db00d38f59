"""HR's page for erasing a candidate's personal data."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms.validators import DataRequired

from ..authz import Action, Area, require
from ..extensions import db
from ..models import Candidate
from .services import erase_candidate

bp = Blueprint("privacy", __name__, url_prefix="/hr/candidates")


class EraseForm(FlaskForm):
    """A deliberate confirmation, because erasure cannot be undone."""

    confirm = BooleanField("I understand that this cannot be undone",
                           validators=[DataRequired(message="Confirm that you mean it.")])


@bp.route("/<int:candidate_id>/erase", methods=["GET", "POST"])
@login_required
def erase(candidate_id: int):
    """Explain what erasure removes and keeps, and erase on confirmation."""
    require(current_user, Action.VIEW, Area.PIPELINE)
    candidate = db.session.get(Candidate, candidate_id) or abort(404)
    form = EraseForm()
    back = _landing(candidate)
    if form.validate_on_submit():
        erase_candidate(current_user, candidate_id)
        # No name: the data is gone, and a flash must not bring it back.
        flash("The candidate is erased: their personal data is gone; the anonymous scores "
              "remain.", "success")
        return redirect(back)
    return render_template("privacy/erase.html", candidate=candidate, form=form), \
        400 if form.errors else 200


def _landing(candidate: Candidate) -> str:
    """Return the opening to go back to: the one of ?application= if it is theirs, else the first.

    The erasure is started from an application's page, which names itself in the link; the
    candidate's own pages say little once erased, so HR lands on the opening they worked in.
    """
    applications = sorted(candidate.applications, key=lambda application: application.id)
    if not applications:
        return url_for("hr.openings")
    started = request.args.get("application", type=int)
    chosen = next((a for a in applications if a.id == started), applications[0])
    return url_for("hr.opening", key=chosen.opening.key)
