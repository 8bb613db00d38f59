"""What the HR pages share: the blueprint, the page size, and the forms' common steps."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from flask import Blueprint, current_app
from flask_babel import get_locale
from flask_wtf import FlaskForm

from ...core.schedule import interview_window
from ...languages import to_local_time, zone_name
from ...models import Interview, User, utcnow
from ..forms import InterviewForm
from ..services.fields import EMAIL, PipelineError
from ..services.panelists import panelists_named
from ..services.reminders import last_reminders
from ..services.scheduling import find_interviewers

bp = Blueprint("hr", __name__, url_prefix="/hr")

PAGE_SIZE = 50


def attach(form: FlaskForm, error: PipelineError) -> None:
    """Show a service's refusal beside the field it is about, or above the form."""
    if error.field and error.field in form:
        form[error.field].errors.append(str(error))
    else:
        form.form_errors.append(str(error))


def checked_panel(form: InterviewForm, seated_now: Iterable[User] = ()) -> list[User] | None:
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
        attach(form, error)
        # Offered to be invited as interviewers, by an admin, beside the panel.
        form.unknown_emails = getattr(error, "unknown", [])
        return None
    return panel if valid and not form.panel_emails.errors else None


def panel_shown(form: InterviewForm, seated_now: list[User]) -> InterviewForm:
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


def overdue_window() -> timedelta:
    """Return how long after its interview a scorecard not submitted is overdue."""
    return timedelta(hours=current_app.config["SCORECARD_OVERDUE_HOURS"])


def reminded(interviews: list[Interview]) -> dict:
    """Return when each scorecard of these interviews was last reminded of, by its id."""
    return last_reminders(s.id for i in interviews for s in i.scorecards)
