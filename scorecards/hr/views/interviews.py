"""An interview's page and forms (move, change the panel, cancel, annotate); the panel picker."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from ...authz import Action, Area, require
from ...catalog.services import loop_of
from ...languages import to_local_time, when
from ...models import Interview, User, utcnow
from ..forms import CancelForm, InterviewForm, NoteForm
from ..services.candidates import FINAL_STATUSES
from ..services.fields import PipelineError
from ..services.openings import stage_title
from ..services.panelists import search_panelists
from ..services.scheduling import (
    InterviewChange,
    annotate_interview,
    cancel_interview,
    change_interview,
    load_interview,
    pinned_by,
    scorecard_state,
    seated,
)
from .common import attach, bp, checked_panel, overdue_window, panel_shown, reminded


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
        panel[:] = checked_panel(form, seated(found)) or []
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
            attach(form, error)
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
    return panel_shown(form, seated(interview))


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
        window=overdue_window(), state_of=scorecard_state, change=change,
        cancel=cancel or CancelForm(prefix="cancel", formdata=None),
        note=note or NoteForm(prefix="note", formdata=None, data={"note": interview.note}),
        pinned=bool(pinned_by(interview)), reminded=reminded([interview]),
        changeable=changeable), status


@bp.get("/interviewers")
@login_required
def interviewers():
    """Answer the panel picker: the active interviewers whose name or email begins with ?q=."""
    found = search_panelists(current_user, request.args.get("q", ""))
    return jsonify(interviewers=[{"email": p.email, "name": p.name, "label": p.label}
                                 for p in found.panelists], more=found.more)
