"""Pages of the hiring committee: the queue, a candidate's summary, recording the decision."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..auth.views import keeps_text
from ..authz import Action, Area, can, require
from ..core.explanation import recommendation_block
from ..core.vocabulary import FinalOutcome
from ..interviews.services import answers_of
from ..paging import requested_page
from . import services
from .forms import LABELS, DecisionForm

bp = Blueprint("committee", __name__, url_prefix="/committee")

DECIDED_PAGE_SIZE = 50
RECENT_DECISIONS = 5  # shown under the queue, so a candidate just decided is still in sight
QUEUE_PAGE_SIZE = 20  # the engine recommends for every row shown, a few ms each


@bp.get("/")
@login_required
def queue():
    """List the applications whose required scorecards are in, waiting for a decision."""
    require(current_user, Action.VIEW, Area.COMMITTEE)
    page = requested_page(lambda after, before: services.queue(
        current_user, QUEUE_PAGE_SIZE, after, before), "the longest waiting applications")
    recent = services.decided(current_user, RECENT_DECISIONS).rows
    return render_template("committee/queue.html", page=page, recent=recent, labels=LABELS)


@bp.get("/decided")
@login_required
def decided():
    """List the decisions in force, newest first, a page at a time."""
    require(current_user, Action.VIEW, Area.COMMITTEE)
    page = requested_page(lambda after, before: services.decided(
        current_user, DECIDED_PAGE_SIZE, after, before), "the newest decisions")
    return render_template("committee/decided.html", page=page, labels=LABELS)


@bp.route("/applications/<int:application_id>", methods=["GET", "POST"])
@login_required
@keeps_text
def summary(application_id: int):
    """Show the panel's scores, the recommendation and its reasons; record the decision."""
    found = services.candidate_summary(current_user, application_id) or abort(404)
    may_decide = can(current_user, Action.DECIDE, found.application)
    form = DecisionForm()
    if request.method == "POST":
        require(current_user, Action.DECIDE, found.application)
        if form.validate():
            try:
                services.record_decision(current_user, application_id,
                                         FinalOutcome(form.final_outcome.data),
                                         form.rationale.data)
            except services.DecisionRefused as refused:
                form.rationale.errors.append(str(refused))
            else:
                flash("Decision recorded.", "success")
                return redirect(url_for(".summary", application_id=application_id))
    return render_template("committee/summary.html", found=found, summary=found.summary,
                           block=recommendation_block(found.summary, found.loop.policy),
                           form=form, may_decide=may_decide, answers_of=answers_of,
                           labels=LABELS, private_notes={
                               s.id for s in found.scorecards
                               if can(current_user, Action.VIEW_PRIVATE_NOTE, s)},
                           ), 400 if form.errors else 200

