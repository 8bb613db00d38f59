"""HR pages: openings, pipelines and reports, applications and their interviews, overdue lists."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.exceptions import HTTPException

from ..authz import Action, Area, can, require
from ..catalog.services import loop_of
from ..core.schedule import interview_window
from ..core.vocabulary import ApplicationStatus
from ..downloads import content_disposition
from ..languages import to_local_time, when, zone_name
from ..models import Application, Interview, Opening, User, utcnow
from ..paging import requested_page
from ..proxy import external_url
from .forms import (
    CLOSE_LABELS,
    SOURCE_LABELS,
    ApplicationForm,
    CancelForm,
    CloseForm,
    ContactsForm,
    HireOutcomeForm,
    InterviewForm,
    NoteForm,
    OpeningForm,
    ReminderForm,
    ScheduleForm,
)
from .services import outcomes, reports
from .services.candidates import (
    FINAL_STATUSES,
    AddedApplication,
    AlreadyApplied,
    add_application,
    close_application,
    load_application,
    other_applications,
)
from .services.fields import EMAIL, PipelineError
from .services.openings import (
    applications,
    contact_problems,
    create_opening,
    loop_choices,
    opening_by_key,
    opening_rows,
    pipeline,
    set_contacts,
    stage_title,
)
from .services.panelists import panelists_named, search_panelists
from .services.reminders import (
    last_reminders,
    overdue_scorecards,
    reminder_text,
    send_reminder,
)
from .services.scheduling import (
    InterviewChange,
    annotate_interview,
    cancel_interview,
    change_interview,
    find_interviewers,
    load_interview,
    pinned_by,
    schedule_interview,
    scorecard_state,
    seated,
)
from .services.search import SearchError, search_candidates

bp = Blueprint("hr", __name__, url_prefix="/hr")

PAGE_SIZE = 50


@bp.route("/", methods=["GET", "POST"])
@login_required
def openings():
    """List the openings with their pipelines counted; open a new one."""
    require(current_user, Action.VIEW, Area.PIPELINE)
    form = OpeningForm()
    form.loop.choices = list(loop_choices().items())
    if form.is_submitted() and _valid_contacts(form):
        try:
            opening = create_opening(current_user, form.key.data, form.title.data, form.loop.data,
                                     form.team.data, hiring_manager=form.hiring_manager.data,
                                     hr_contact=form.hr_contact.data)
        except PipelineError as error:
            _attach(form, error)
        else:
            flash(f"Opening {opening.title} created.", "success")
            return redirect(url_for(".opening", key=opening.key))
    page = requested_page(lambda after, before: opening_rows(
        limit=PAGE_SIZE, after=after, before=before), "the newest openings")
    return render_template("hr/openings.html", page=page, form=form,
                           statuses=list(ApplicationStatus)), 400 if form.errors else 200


@bp.route("/openings/<key>", methods=["GET", "POST"])
@login_required
def opening(key: str):
    """Show an opening's pipeline; add a candidate's application to it."""
    require(current_user, Action.VIEW, Area.PIPELINE)
    found = opening_by_key(key) or abort(404)
    form, existing = ApplicationForm(), None
    if form.validate_on_submit():
        try:
            added = add_application(
                current_user, found, form.name.data, form.source.data, email=form.email.data,
                phone=form.phone.data, location=form.location.data,
                referrer=form.referrer_given())
        except PipelineError as error:
            _attach(form, error)
            existing = error.application_id if isinstance(error, AlreadyApplied) else None
        else:
            flash(_added_message(added, found), "success")
            return redirect(url_for(".application", application_id=added.application.id))
    return _render_opening(found, form, existing), 400 if form.errors else 200


@bp.post("/openings/<key>/contacts")
@login_required
def opening_contacts(key: str):
    """Name the hiring manager and HR contact of an opening."""
    require(current_user, Action.VIEW, Area.PIPELINE)
    found = opening_by_key(key) or abort(404)
    form = ContactsForm(prefix="contacts")
    if _valid_contacts(form):
        try:
            set_contacts(current_user, found, hiring_manager=form.hiring_manager.data,
                         hr_contact=form.hr_contact.data)
        except PipelineError as error:
            _attach(form, error)
        else:
            flash("Who answers for the opening was saved.", "success")
            return redirect(url_for(".opening", key=found.key), code=303)
    return _render_opening(found, ApplicationForm(formdata=None), contacts=form), 400


@bp.get("/openings/<key>/contacts")
@login_required
def opening_form(key: str):
    """Answer a reload of the contacts form's address with the opening that holds the form."""
    return redirect(url_for(".opening", key=key))


def _valid_contacts(form: ContactsForm) -> bool:
    """Validate the form, naming each contact who is no active user beside the other problems."""
    valid = form.validate()
    for name, problem in contact_problems(form.hiring_manager.data,
                                          form.hr_contact.data).items():
        if not form[name].errors:
            form[name].errors.append(problem)
            valid = False
    return valid


def _added_message(added: AddedApplication, opening: Opening) -> str:
    """Say whose record took the application, and what of the typed details was not stored."""
    candidate = added.application.candidate
    if not added.returning:
        return f"{candidate.name} added to {opening.title}."
    parts = [f"{candidate.name} ({candidate.email}) is a candidate already: the application to "
             f"{opening.title} was added to their existing record, not to a new one."]
    parts += [f"The stored {kept.field}, '{kept.stored}', was kept; the {kept.field} typed, "
              f"'{kept.typed}', was not stored." for kept in added.kept]
    if added.filled:
        parts.append(f"Added to their record: {' and '.join(added.filled)}.")
    return " ".join(parts)


def _render_opening(opening: Opening, form: ApplicationForm, existing: int | None = None,
                    contacts: ContactsForm | None = None) -> str:
    status = request.args.get("status")
    status = ApplicationStatus(status) if status in set(ApplicationStatus) else None
    page = requested_page(lambda after, before: applications(
        opening, status=status, limit=PAGE_SIZE, after=after, before=before),
        "the newest applications")
    if contacts is None:
        now = opening.contacts
        contacts = ContactsForm(prefix="contacts", formdata=None, data={
            "hiring_manager": now.hiring_manager.email if now and now.hiring_manager else "",
            "hr_contact": now.hr_contact.email if now and now.hr_contact else ""})
    return render_template("hr/opening.html", opening=opening, counts=pipeline(opening),
                           sources=SOURCE_LABELS,
                           page=page, form=form, status=status, existing=existing,
                           contacts=contacts)


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
    panel = _checked(form)
    if panel is not None:
        try:
            interview = schedule_interview(current_user, found, form.stage.data,
                                           form.scheduled_utc(), panel)
        except PipelineError as error:
            _attach(form, error)
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
            _attach(form, error)
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


def _checked(form: InterviewForm, seated_now: Iterable[User] = ()) -> list[User] | None:
    """Validate the form and find its panel: the panel, or None with every problem attached.

    Who on the panel cannot sit is told beside the form's other problems, not after them.
    """
    valid = form.validate()
    if form.panel.errors:  # nobody named
        return None
    try:
        # The typed emails already refused as malformed are not named a second time.
        panel = find_interviewers([email for email in form.panel_email_list()
                                   if EMAIL.match(email)], seated_now)
    except PipelineError as error:
        _attach(form, error)
        # Offered to be invited as interviewers, by an admin, beside the panel.
        form.unknown_emails = getattr(error, "unknown", [])
        return None
    return panel if valid and not form.panel_emails.errors else None


def _with_choices(form: ScheduleForm, application: Application) -> ScheduleForm:
    loop = loop_of(application.opening.loop_version)
    form.stage.choices = [(stage.key, f"{stage.title} ({stage.round})") for stage in loop.stages]
    return _panel_shown(form, [])


def _panel_shown(form: InterviewForm, seated_now: list[User]) -> InterviewForm:
    """List the panel as the picker shows it: who sits on it now and who was chosen.

    Those chosen stay chosen when the form comes back with a problem; someone seated but not
    chosen is listed unticked, to be put back with one click.
    """
    chosen = [email.lower() for email in form.panel.data or []]
    form.panel.choices = [(p.email, p.label) for p in panelists_named(
        [*(user.email for user in seated_now), *chosen])]
    form.panel.data = chosen
    return _within_window(form)


def _within_window(form: FlaskForm) -> FlaskForm:
    """Let the date picker offer only the times an interview may be set to, on the user's clock.

    The label names the zone the time is typed in; static/date-entry.js writes the chosen time
    out beside the field ("Tue 24 November 2026, 15:00"), whatever order the browser's own
    picker shows day and month in.
    """
    earliest, latest = (to_local_time(moment) for moment in interview_window(utcnow()))
    form.scheduled_at.label.text = f"Date and time ({zone_name()})"
    form.scheduled_at.render_kw = {"min": f"{earliest:%Y-%m-%dT%H:%M}",
                                   "max": f"{latest:%Y-%m-%dT%H:%M}",
                                   "data-written-out": zone_name(),
                                   "data-locale": get_locale().language + "-" + (
                                       get_locale().territory or "")}
    return form


def _render_application(application: Application, schedule: ScheduleForm, close: CloseForm,
                        status: int = 200, after_hire: HireOutcomeForm | None = None):
    loop = loop_of(application.opening.loop_version)
    after_hire = _after_hire(application, after_hire)
    closable = application.status not in FINAL_STATUSES
    if closable and schedule.stage.choices is None:  # a closed application has no form
        _with_choices(schedule, application)
    window = _overdue_window()
    return render_template(
        "hr/application.html", application=application, schedule=schedule, close=close,
        sources=SOURCE_LABELS, reminded=_reminded(application.interviews),
        stage_titles={stage.key: stage.title for stage in loop.stages}, now=utcnow(),
        window=window, others=other_applications(application, current_user),
        outcome_hidden=not can(current_user, Action.VIEW, application),
        state_of=scorecard_state,
        closable=closable, after_hire=after_hire, scale=outcomes.performance_scale()), status


@bp.get("/interviews/<int:interview_id>")
@login_required
def interview(interview_id: int):
    """Show an interview, with forms to move it, change its panel, cancel or annotate it."""
    return _render_interview(_load_interview(interview_id))


@bp.post("/interviews/<int:interview_id>")
@login_required
def change(interview_id: int):
    """Move an interview, or change its panel."""
    found = _load_interview(interview_id)
    form = _panel_choices(InterviewForm(prefix="change"), found)
    panel: list[User] = []

    def checked() -> bool:
        panel[:] = _checked(form, seated(found)) or []
        return bool(panel)

    def move() -> tuple[str, str]:
        changed = change_interview(current_user, found, panel=panel,
                                   scheduled_at=_moved_to(form, found))
        return _change_message(changed), "success" if changed.changed else "info"

    return _apply(found, "change", form, move, checked)


@bp.post("/interviews/<int:interview_id>/cancel")
@login_required
def cancel(interview_id: int):
    """Cancel an interview that no scorecard is submitted for."""
    found = _load_interview(interview_id)
    return _apply(found, "cancel", CancelForm(prefix="cancel"), lambda: (_change_message(
        cancel_interview(current_user, found), "Interview cancelled."), "success"))


@bp.post("/interviews/<int:interview_id>/note")
@login_required
def note(interview_id: int):
    """Set or clear HR's note on an interview."""
    found = _load_interview(interview_id)
    form = NoteForm(prefix="note")

    def annotate() -> tuple[str, str]:
        annotate_interview(current_user, found, form.note.data)
        return ("Note saved." if found.note else "Note removed."), "success"

    return _apply(found, "note", form, annotate)


@bp.get("/interviews/<int:interview_id>/cancel")
@bp.get("/interviews/<int:interview_id>/note")
@login_required
def interview_form(interview_id: int):
    """Answer a reload of a form's address with the interview page that holds the form."""
    return redirect(url_for(".interview", interview_id=interview_id))


def _apply(found: Interview, name: str, form: FlaskForm, act: Callable[[], tuple[str, str]],
           valid: Callable[[], bool] | None = None):
    """Validate one of an interview's forms and act on it, or show the form with its errors.

    act changes the interview and returns the message and its category to flash; valid, if
    given, validates the form in place of its own validate.
    """
    if (valid or form.validate)():
        try:
            message, category = act()
        except PipelineError as error:
            _attach(form, error)
        else:
            flash(message, category)
            return redirect(url_for(".application", application_id=found.application_id))
    return _render_interview(found, status=400, **{name: form})


def _load_interview(interview_id: int) -> Interview:
    require(current_user, Action.VIEW, Area.PIPELINE)
    found = load_interview(interview_id) or abort(404)
    require(current_user, Action.MANAGE, found.application)
    return found


def _panel_choices(form: InterviewForm, interview: Interview) -> InterviewForm:
    # The panel as it is stays listed, even someone deactivated since.
    return _panel_shown(form, seated(interview))


def _moved_to(form: InterviewForm, interview: Interview):
    """Return the time typed, or None when it is the stored one as the form shows it."""
    typed = form.scheduled_utc()
    return None if typed == interview.scheduled_at.replace(second=0, microsecond=0) else typed


def _change_message(change: InterviewChange, opening: str = "") -> str:
    """Say what a change did, naming whose draft was withdrawn."""
    parts = [opening] if opening else []
    if change.moved_from is not None:
        parts.append(f"Interview moved to {when(change.interview.scheduled_at)}.")
    for users, said in ((change.added, "Added to the panel"),
                        (change.restored, "Back on the panel, with their withdrawn draft"),
                        (change.withdrawn, "Draft withdrawn, kept for its author to read"),
                        (change.removed, "Taken off the panel, with no scorecard started")):
        if users:
            parts.append(f"{said}: {_names(users)}.")
    if change.status:
        parts.append(f"The application is {change.status[1]} again.")
    return " ".join(parts) or "Nothing changed: the time and the panel are as they were."


def _names(users: tuple[User, ...]) -> str:
    return ", ".join(user.name for user in users)


def _render_interview(interview: Interview, *, change: InterviewForm | None = None,
                      cancel: CancelForm | None = None, note: NoteForm | None = None,
                      status: int = 200):
    loop = loop_of(interview.application.opening.loop_version)
    changeable = interview.application.status not in FINAL_STATUSES
    if change is None and changeable and not interview.cancelled:  # else no form is shown
        change = _panel_choices(InterviewForm(prefix="change", formdata=None, data={
            "scheduled_at": to_local_time(interview.scheduled_at),
            "panel": [user.email for user in seated(interview)]}), interview)
    return render_template(
        "hr/interview.html", interview=interview, application=interview.application,
        stage_title=stage_title(loop, interview.stage_key), now=utcnow(),
        window=_overdue_window(), state_of=scorecard_state, change=change,
        cancel=cancel or CancelForm(prefix="cancel", formdata=None),
        note=note or NoteForm(prefix="note", formdata=None, data={"note": interview.note}),
        pinned=bool(pinned_by(interview)), reminded=_reminded([interview]),
        changeable=changeable), status


@bp.get("/interviewers")
@login_required
def interviewers():
    """Answer the panel picker: the active interviewers whose name or email begins with ?q=."""
    found = search_panelists(current_user, request.args.get("q", ""))
    return jsonify(interviewers=[{"email": p.email, "name": p.name, "label": p.label}
                                 for p in found.panelists], more=found.more)


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


@bp.get("/overdue")
@login_required
def overdue():
    """List overdue scorecards with a reminder to copy or send, a page at a time."""
    require(current_user, Action.VIEW, Area.PIPELINE)
    window = _overdue_window()
    page = requested_page(lambda after, before: overdue_scorecards(
        utcnow(), window, limit=PAGE_SIZE, after=after, before=before), "the longest overdue")
    reminders = {row.scorecard_id: reminder_text(row, _scorecard_url(row.scorecard_id))
                 for row in page.rows}
    return render_template("hr/overdue.html", page=page, reminders=reminders,
                           form=ReminderForm(), window_hours=window.total_seconds() / 3600)


@bp.post("/overdue/<int:scorecard_id>/reminder")
@login_required
def remind(scorecard_id: int):
    """Send the interviewer a reminder of an overdue scorecard."""
    require(current_user, Action.VIEW, Area.PIPELINE)
    if not ReminderForm().validate():
        abort(400)
    try:
        row = send_reminder(current_user, scorecard_id, utcnow(), _overdue_window())
    except PipelineError as error:
        flash(str(error), "error")
    else:
        flash(f"Reminder sent to {row.interviewer_name} ({row.interviewer_email}).", "success")
    return redirect(_back_from_reminder(request.form.get("back")))


@bp.get("/overdue/<int:scorecard_id>/reminder")
@login_required
def reminder_form(scorecard_id: int):
    """Answer a visit to a reminder button's address with the overdue list."""
    return redirect(url_for(".overdue"))


@bp.get("/openings/<key>/report")
@login_required
def report(key: str):
    """Show an opening's funnel through the loop and its time to decision."""
    require(current_user, Action.VIEW, Area.PIPELINE)
    found = opening_by_key(key) or abort(404)
    return render_template("hr/report.html", report=reports.opening_report(found, current_user))


@bp.get("/openings/<key>/report.csv")
@login_required
def report_csv(key: str):
    """Download an opening's funnel per stage as CSV."""
    require(current_user, Action.VIEW, Area.PIPELINE)
    found = opening_by_key(key) or abort(404)
    report = reports.opening_report(found, current_user)
    return Response(reports.report_csv(report), mimetype="text/csv",
                    headers={"Content-Disposition": content_disposition(f"{key}-report.csv")})


def _reminded(interviews: list[Interview]) -> dict:
    """Return when each scorecard of these interviews was last reminded of, by its id."""
    return last_reminders(s.id for i in interviews for s in i.scorecards)


def _back_from_reminder(path: str | None) -> str:
    """Return the HR page a reminder was sent from, or the overdue list: never another site."""
    try:
        endpoint, values = current_app.url_map.bind("localhost").match(path or "", method="GET")
    except HTTPException:
        endpoint, values = "hr.overdue", {}
    if endpoint not in ("hr.application", "hr.interview"):
        endpoint, values = "hr.overdue", {}
    return url_for(endpoint, **values)


def _overdue_window() -> timedelta:
    return timedelta(hours=current_app.config["SCORECARD_OVERDUE_HOURS"])


def _scorecard_url(scorecard_id: int) -> str:
    return external_url("interviews.scorecard", scorecard_id=scorecard_id)


def _attach(form: FlaskForm, error: PipelineError) -> None:
    """Show a service's refusal beside the field it is about, or above the form."""
    if error.field and error.field in form:
        form[error.field].errors.append(str(error))
    else:
        form.form_errors.append(str(error))


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
            _attach(form, error)
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
