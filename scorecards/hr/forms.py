"""HR's forms: an opening, an application, an interview and its changes, closing, a reminder."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from ..core.vocabulary import ApplicationStatus, Source
from .services.candidates import MAX_REASON
from .services.fields import EMAIL
from .services.openings import OPENING_KEY
from .services.scheduling import MAX_NOTE

SOURCE_LABELS = {Source.REFERRAL: "Referral", Source.APPLIED: "Applied",
                 Source.SOURCED: "Sourced by a recruiter"}
CLOSE_LABELS = {ApplicationStatus.WITHDRAWN: "Withdrawn by the candidate",
                ApplicationStatus.REJECTED: "Rejected"}


def _trimmed(value: str | None) -> str | None:
    """Drop the spaces around a typed value, which a pasted email often carries."""
    return value.strip() if value else value


class OpeningForm(FlaskForm):
    """A new opening and the loop it is interviewed with."""

    key = StringField("Key", validators=[
        DataRequired(message="Give the opening a key."), Length(max=64),
        Regexp(OPENING_KEY, message="Use lower-case letters, digits and single hyphens.")])
    title = StringField("Title", validators=[DataRequired(message="Give the opening a title."),
                                             Length(max=200)])
    team = StringField("Team", validators=[Optional(), Length(max=200)])
    loop = SelectField("Interview loop", validators=[
        DataRequired(message="Choose the loop the opening is interviewed with.")])


class ApplicationForm(FlaskForm):
    """A candidate and their application to an opening."""

    name = StringField("Name", validators=[DataRequired(message="Give the candidate's name."),
                                           Length(max=200)])
    email = StringField("Email", filters=[_trimmed], validators=[
        Optional(), Length(max=254), Regexp(EMAIL, message="This is not an email address.")])
    phone = StringField("Phone", validators=[Optional(), Length(max=40)])
    location = StringField("Location", validators=[Optional(), Length(max=200)])
    source = RadioField("Source", default=Source.APPLIED.value,
                        choices=[SelectChoice(s.value, SOURCE_LABELS[s]) for s in Source],
                        validators=[InputRequired(message="Choose where the application came "
                                                          "from.")])
    referrer = StringField("Referred by", validators=[Optional(), Length(max=200)])

    def validate_referrer(self, field: StringField) -> None:
        """Ask for the referrer of a referral."""
        if self.source.data == Source.REFERRAL and not (field.data or "").strip():
            field.errors.append("A referral needs the name of the referrer.")

    def referrer_given(self) -> str | None:
        """Return the referrer of a referral; what was typed for another source is ignored."""
        return self.referrer.data if self.source.data == Source.REFERRAL else None


class InterviewForm(FlaskForm):
    """An interview's time and panel: to schedule it, or to move it and change the panel."""

    scheduled_at = DateTimeLocalField(
        "Date and time (UTC)",
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        validators=[InputRequired(message="Give the date and time of the interview, in UTC.")])
    panel = SelectMultipleField("Panel", validate_choice=False)
    panel_emails = TextAreaField("Or their emails", validators=[Length(max=5000)])

    def panel_email_list(self) -> list[str]:
        """Return the chosen and the typed emails, in that order."""
        typed = (self.panel_emails.data or "").replace(",", " ").split()
        return [*(self.panel.data or []), *typed]


class ScheduleForm(InterviewForm):
    """An interview of one stage, its time and its panel."""

    stage = SelectField("Stage", validators=[DataRequired(message="Choose the stage.")])


class NoteForm(FlaskForm):
    """HR's short note on an interview; an empty one clears it."""

    note = TextAreaField("Note", filters=[_trimmed], validators=[Length(
        max=MAX_NOTE, message=f"Keep the note within {MAX_NOTE} characters.")])


class CancelForm(FlaskForm):
    """Cancel an interview, once HR confirms it."""

    confirm = BooleanField("Cancel this interview; the panel's drafts are withdrawn and kept "
                           "for their authors", validators=[DataRequired(
                               message="Tick the box to confirm that the interview is "
                                       "cancelled.")])


class CloseForm(FlaskForm):
    """Withdraw or reject an application, and why."""

    status = RadioField("Outcome",
                        choices=[SelectChoice(s.value, CLOSE_LABELS[s]) for s in CLOSE_LABELS],
                        validators=[InputRequired(message="Choose withdrawn or rejected.")])
    reason = TextAreaField("Reason", validators=[
        DataRequired(message="Say why the application is closed."), Length(max=MAX_REASON)])


class ReminderForm(FlaskForm):
    """A button that sends a reminder; only the CSRF token travels."""
