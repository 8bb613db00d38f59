"""HR's page for erasing a candidate's personal data."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
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
    if form.validate_on_submit():
        erase_candidate(current_user, candidate_id)
        flash("The candidate's personal data is erased; the anonymous scores remain.", "success")
        return redirect(url_for("home.index"))
    return render_template("privacy/erase.html", candidate=candidate, form=form), \
        400 if form.errors else 200
