"""An application's page and forms: scheduling, closing, a hire's outcome; candidate search."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ...authz import Action, Area, can, require
from ...catalog.services import loop_of
from ...core.vocabulary import ApplicationStatus
from ...languages import when
from ...models import Application, utcnow
from ..forms import CLOSE_LABELS, SOURCE_LABELS, CloseForm, HireOutcomeForm, ScheduleForm
from ..services import outcomes
from ..services.candidates import (
    FINAL_STATUSES,
    close_application,
    load_application,
    other_applications,
)
from ..services.fields import PipelineError
from ..services.scheduling import schedule_interview, scorecard_state
from ..services.search import SearchError, search_candidates
from .common import PAGE_SIZE, attach, bp, checked_panel, overdue_window, panel_shown, reminded


@bp.get("/applications/<int:application_id>")
@login_required
def application(application_id: int):
    """Show an application: the candidate, the interviews and their panels' progress."""
    found = _load(application_id)
    return _render_application(found, ScheduleForm(prefix="schedule"),
                               CloseForm(prefix="close"))


@bp.post("/applications/<int:application_id>/interviews")
@login_required
def schedule(application_id: int):
    """Schedule an interview of the application with a panel."""
    found = _load(application_id)
    form = _with_choices(ScheduleForm(prefix="schedule"), found)
    panel = checked_panel(form)
    if panel is not None:
        try:
            interview = schedule_interview(current_user, found, form.stage.data,
                                           form.scheduled_utc(), panel)
        except PipelineError as error:
            attach(form, error)
        else:
            flash(f"Interview scheduled for {when(interview.scheduled_at)} with "
                  f"{len(panel)} panelist{'s' if len(panel) != 1 else ''}.", "success")
            return redirect(url_for(".application", application_id=application_id))
    return _render_application(found, form, CloseForm(prefix="close", formdata=None), 400)


@bp.post("/applications/<int:application_id>/close")
@login_required
def close(application_id: int):
    """Withdraw or reject the application, with a reason."""
    found = _load(application_id)
    form = CloseForm(prefix="close")
    if form.validate():
        try:
            close_application(current_user, found, ApplicationStatus(form.status.data),
                              form.reason.data)
        except PipelineError as error:
            attach(form, error)
        else:
            flash(f"The application is {CLOSE_LABELS[found.status].lower()}.", "success")
            return redirect(url_for(".application", application_id=application_id))
    return _render_application(found, ScheduleForm(prefix="schedule", formdata=None), form, 400)


@bp.get("/applications/<int:application_id>/interviews")
@bp.get("/applications/<int:application_id>/close")
@bp.get("/applications/<int:application_id>/hire-outcome")
@login_required
def application_form(application_id: int):
    """Answer a reload of a form's address with the application page that holds the form.

    A form sent back with its errors leaves its address in the address bar; visiting it must
    not be a 405.
    """
    return redirect(url_for(".application", application_id=application_id))


def _load(application_id: int) -> Application:
    require(current_user, Action.VIEW, Area.PIPELINE)
    found = load_application(application_id) or abort(404)
    require(current_user, Action.MANAGE, found)
    return found


def _with_choices(form: ScheduleForm, application: Application) -> ScheduleForm:
    loop = loop_of(application.opening.loop_version)
    form.stage.choices = [(stage.key, f"{stage.title} ({stage.round})") for stage in loop.stages]
    return panel_shown(form, [])


def _render_application(application: Application, schedule: ScheduleForm, close: CloseForm,
                        status: int = 200, after_hire: HireOutcomeForm | None = None):
    loop = loop_of(application.opening.loop_version)
    after_hire = _after_hire(application, after_hire)
    closable = application.status not in FINAL_STATUSES
    if closable and schedule.stage.choices is None:  # a closed application has no form
        _with_choices(schedule, application)
    window = overdue_window()
    return render_template(
        "hr/application.html", application=application, schedule=schedule, close=close,
        sources=SOURCE_LABELS, reminded=reminded(application.interviews),
        stage_titles={stage.key: stage.title for stage in loop.stages}, now=utcnow(),
        window=window, others=other_applications(application, current_user),
        outcome_hidden=not can(current_user, Action.VIEW, application),
        state_of=scorecard_state,
        closable=closable, after_hire=after_hire, scale=outcomes.performance_scale()), status


@bp.post("/applications/<int:application_id>/hire-outcome")
@login_required
def hire_outcome(application_id: int):
    """Record how a hire turned out: performance ratings and whether they stayed."""
    found = _load(application_id)
    form = HireOutcomeForm(prefix="outcome").with_scale(outcomes.performance_scale())
    if form.validate():
        try:
            outcomes.record_outcome(current_user, application_id, **form.values())
        except outcomes.OutcomeRefused as error:
            attach(form, error)
        else:
            flash("The hire's outcome is recorded.", "success")
            return redirect(url_for(".application", application_id=application_id), code=303)
    return _render_application(found, ScheduleForm(prefix="schedule", formdata=None),
                               CloseForm(prefix="close", formdata=None), 400, form)


def _after_hire(application: Application, form: HireOutcomeForm | None) -> HireOutcomeForm | None:
    """Return the form of a hire's outcome, filled with what is recorded; None if not a hire."""
    if form is not None:
        return form
    if not can(current_user, Action.VIEW, application) or not outcomes.is_hired(application.id):
        return None
    found = outcomes.read_outcome(current_user, application.id)
    form = HireOutcomeForm(prefix="outcome", formdata=None).with_scale(
        outcomes.performance_scale())
    if found is not None:
        form.rating_6_months.data = str(found.rating_6_months or "")
        form.rating_12_months.data = str(found.rating_12_months or "")
        form.employed_12_months.data = {True: "yes", False: "no"}.get(
            found.employed_12_months, "")
        form.note.data = found.note or ""
    return form


@bp.get("/search")
@login_required
def search():
    """Find candidates by name, email or the title of an opening they applied to."""
    require(current_user, Action.VIEW, Area.PIPELINE)
    query = request.args.get("q")
    if query is None:  # the box, before anything is typed
        return render_template("hr/search.html", query="", page=None)
    try:
        page = search_candidates(current_user, query, limit=PAGE_SIZE,
                                 cursor=request.args.get("after"))
    except SearchError as error:
        return render_template("hr/search.html", query=query, page=None,
                               search_error=str(error)), 400
    return render_template("hr/search.html", query=query, page=page)
