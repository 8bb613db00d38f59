"""The overdue scorecards, a page at a time, and the reminders HR sends from them."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.exceptions import HTTPException

from ...authz import Action, Area, require
from ...models import utcnow
from ...paging import requested_page
from ...proxy import external_url
from ..forms import ReminderForm
from ..services.fields import PipelineError
from ..services.reminders import overdue_scorecards, reminder_text, send_reminder
from .common import PAGE_SIZE, bp, overdue_window


@bp.get("/overdue")
@login_required
def overdue():
    """List overdue scorecards with a reminder to copy or send, a page at a time."""
    require(current_user, Action.VIEW, Area.PIPELINE)
    window = overdue_window()
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
        row = send_reminder(current_user, scorecard_id, utcnow(), overdue_window())
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


def _back_from_reminder(path: str | None) -> str:
    """Return the HR page a reminder was sent from, or the overdue list: never another site."""
    try:
        endpoint, values = current_app.url_map.bind("localhost").match(path or "", method="GET")
    except HTTPException:
        endpoint, values = "hr.overdue", {}
    if endpoint not in ("hr.application", "hr.interview"):
        endpoint, values = "hr.overdue", {}
    return url_for(endpoint, **values)


def _scorecard_url(scorecard_id: int) -> str:
    return external_url("interviews.scorecard", scorecard_id=scorecard_id)
