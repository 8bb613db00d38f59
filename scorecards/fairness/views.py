"""Pages of voluntary self-identification: HR sends a link; the candidate answers, no account.

The candidate's page shows nothing about them (a forwarded link reveals no name) and works
once, until it expires.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from ..authz import Action, Area, require
from ..downloads import content_disposition
from ..extensions import db
from ..languages import day
from ..models import Application, LoopVersion, Opening, utcnow
from ..proxy import external_url
from . import differences, reports, services
from . import validity as validity_reports
from .reports import ReportRefused

bp = Blueprint("fairness", __name__)


class TokenOnlyForm(FlaskForm):
    """A form whose fields are read against the questionnaire; only the CSRF token is WTForms'."""


@bp.post("/hr/candidates/<int:candidate_id>/self-identification-link")
@login_required
def send_link(candidate_id: int):
    """Mail the candidate a link to the voluntary questions, then go back to the application."""
    require(current_user, Action.MANAGE, Area.PIPELINE)
    if not TokenOnlyForm().validate():
        abort(400)
    try:
        sent = services.send_link(current_user, candidate_id, lambda token: external_url(
            "fairness.answer", token=token))
    except services.LinkNotSent as error:
        flash(str(error), "error")
    else:
        flash(f"The self-identification link was sent to {sent.to}. It works once, until "
              f"{day(sent.expires_at)}.", "success")
    back = request.form.get("application", type=int)
    return redirect(url_for("hr.application", application_id=back) if back
                    else url_for("hr.openings"), code=303)


@bp.get("/hr/candidates/<int:candidate_id>/self-identification-link")
@login_required
def link_form(candidate_id: int):
    """Answer a visit to the link button's address with the candidate's newest application."""
    require(current_user, Action.MANAGE, Area.PIPELINE)
    newest = db.session.scalar(sa.select(Application.id).where(
        Application.candidate_id == candidate_id).order_by(Application.id.desc()).limit(1))
    return redirect(url_for("hr.application", application_id=newest) if newest
                    else url_for("hr.openings"))


@bp.get("/self-identification/thanks")
def thanks():
    """Thank the candidate, saying what happens to the answers."""
    return render_template("fairness/thanks.html", questionnaire=services.questionnaire())


@bp.get("/self-identification/<token>")
def answer(token: str):
    """Show the voluntary questions to the candidate the link was sent to."""
    try:
        services.open_link(token)
    except services.LinkRefused as refused:
        return _refused(refused)
    return _page(token, {}, {})


@bp.post("/self-identification/<token>")
def submit(token: str):
    """Store the candidate's answers (a question left at "skip" stays unanswered)."""
    form = TokenOnlyForm()
    if not form.validate():
        abort(400)
    questions = services.questionnaire()
    answers = {item.key: value for item in questions.items
               if (value := request.form.get(item.key, ""))}
    try:
        services.answer_by_link(token, answers)
    except services.LinkRefused as refused:
        return _refused(refused)
    except services.AnswersRefused as refused:
        return _page(token, answers, refused.problems), 400
    return redirect(url_for("fairness.thanks"), code=303)


def _page(token: str, chosen: dict[str, str], problems: dict[str, str]):
    return render_template("fairness/answer.html", form=TokenOnlyForm(), token=token,
                           questionnaire=services.questionnaire(), chosen=chosen,
                           problems=problems)


def _refused(refused: services.LinkRefused):
    return render_template("fairness/refused.html", message=str(refused)), (
        410 if refused.gone else 404)


@bp.get("/fairness/impact")
@login_required
def impact():
    """Show the adverse-impact report the query asks for, or the form to ask for one."""
    return _report_page("fairness/impact.html", reports.impact_report)


@bp.get("/fairness/impact.csv")
@login_required
def impact_csv():
    """Download the adverse-impact report as CSV (withheld groups blank)."""
    report = _report_file(reports.impact_report)
    name = f"adverse-impact-{report.scope}-{report.key}-{report.item.key}.csv"
    return Response(reports.report_csv(report), mimetype="text/csv",
                    headers={"Content-Disposition": content_disposition(name)})


@bp.get("/fairness/scores")
@login_required
def scores():
    """Show how groups' scores differ per competency and interviewer, or the form."""
    return _report_page("fairness/scores.html", differences.score_differences)


@bp.get("/fairness/scores.csv")
@login_required
def scores_csv():
    """Download the score differences as CSV (withheld groups blank)."""
    report = _report_file(differences.score_differences)
    name = f"score-differences-{report.scope}-{report.key}-{report.item.key}.csv"
    return Response(differences.difference_csv(report), mimetype="text/csv",
                    headers={"Content-Disposition": content_disposition(name)})


def _report_page(template: str, make):
    """Render a fairness report's page: the form, and the report the query asks for."""
    require(current_user, Action.VIEW, Area.FAIRNESS)
    asked, problem = _asked()
    report = None
    if asked and not problem:
        try:
            report = make(current_user, **asked)
        except reports.ReportRefused as refused:
            problem = str(refused)
    return render_template(
        template, report=report, problem=problem, asked=asked or {},
        openings=db.session.execute(sa.select(Opening.key, Opening.title)
                                    .order_by(Opening.title, Opening.key)).all(),
        loops=db.session.execute(sa.select(LoopVersion.key, sa.func.max(LoopVersion.title))
                                 .group_by(LoopVersion.key).order_by(LoopVersion.key)).all(),
        questions=services.questionnaire().items), 400 if problem else 200


def _report_file(make):
    """Return the report the query asks for, for a download; abort 400 saying what is wrong."""
    require(current_user, Action.VIEW, Area.FAIRNESS)
    asked, problem = _asked()
    if not asked or problem:
        abort(400, description=problem or "Name an opening or a loop.")
    try:
        return make(current_user, **asked)
    except reports.ReportRefused as refused:
        abort(400, description=str(refused))


@bp.post("/fairness/impact/recount")
@login_required
def recount():
    """Start counting the selections again in the background, then go back to the report."""
    services.request_recount(current_user)
    flash("The selections are being counted again. Reload the report in a minute or two for "
          "the new counts.", "info")
    asked = {name: request.form[name] for name in ("scope", "question", "from", "to")
             if request.form.get(name)}
    back = "fairness.scores" if request.form.get("back") == "scores" else "fairness.impact"
    return redirect(url_for(back, **asked), code=303)


@bp.get("/fairness/impact/recount")
@login_required
def recount_form():
    """Answer a visit to the recount button's address with the report that holds the button."""
    return redirect(url_for("fairness.impact"))


def _asked() -> tuple[dict | None, str | None]:
    """Return the report the query string asks for (None if none yet), or what is wrong."""
    scope = request.args.get("scope", "")
    kind, _, key = scope.partition(":")
    if not key:
        return None, None
    months, problem = reports.months_asked(request.args.get("from", ""),
                                           request.args.get("to", ""), utcnow())
    asked = {"item": request.args.get("question", "sex"),
             ("opening" if kind == "opening" else "loop"): key, **months}
    if kind not in ("opening", "loop"):
        return asked, "Choose an opening or a loop."
    return asked, problem


@bp.get("/fairness/validity")
@login_required
def validity():
    """Show the validity report of the loop the query asks for, or the form to ask for one."""
    require(current_user, Action.VIEW, Area.FAIRNESS)
    asked, problem = _asked_validity()
    report = None
    if asked and not problem:
        try:
            report = validity_reports.validity_report(current_user, **asked)
        except ReportRefused as refused:
            problem = str(refused).capitalize() + "."
    return render_template(
        "fairness/validity.html", report=report, problem=problem, asked=asked or {},
        outcomes=validity_reports.OUTCOMES, minimum=validity_reports.MIN_PAIRS,
        loops=db.session.execute(sa.select(LoopVersion.key, sa.func.max(LoopVersion.title))
                                 .group_by(LoopVersion.key).order_by(LoopVersion.key)).all(),
    ), 400 if problem else 200


@bp.get("/fairness/validity.csv")
@login_required
def validity_csv():
    """Download the validity report as CSV (r empty where there is not enough data)."""
    require(current_user, Action.VIEW, Area.FAIRNESS)
    asked, problem = _asked_validity()
    if not asked or problem:
        abort(400, description=problem or "Name a loop.")
    try:
        report = validity_reports.validity_report(current_user, **asked)
    except ReportRefused as refused:
        abort(400, description=str(refused))
    return Response(validity_reports.report_csv(report), mimetype="text/csv", headers={
        "Content-Disposition": content_disposition(f"validity-{report.loop}.csv")})


def _asked_validity() -> tuple[dict | None, str | None]:
    """Return the validity report the query string asks for (None if none yet), or what is wrong."""
    loop = request.args.get("loop", "")
    if not loop:
        return None, None
    months, problem = reports.months_asked(request.args.get("from", ""),
                                           request.args.get("to", ""), utcnow(),
                                           span=validity_reports.DEFAULT_MONTHS)
    return {"loop": loop, **months}, problem
