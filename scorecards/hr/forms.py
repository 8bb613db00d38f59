"""HR's forms: an opening, an application, an interview and its changes, closing, a reminder."""

from __future__ import annotations

from datetime import UTC, datetime

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
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from ..core.schedule import interview_time_problem
from ..core.vocabulary import ApplicationStatus, Source
from ..languages import NoSuchLocalTime, from_local_time
from ..models import HIRE_OUTCOME_NOTE_MAX, utcnow
from .services.candidates import MAX_REASON
from .services.fields import EMAIL
from .services.openings import OPENING_KEY
from .services.scheduling import MAX_NOTE

SOURCE_LABELS = {Source.REFERRAL: "Referral", Source.APPLIED: "Applied directly",
                 Source.SOURCED: "Sourced by a recruiter"}
CLOSE_LABELS = {ApplicationStatus.WITHDRAWN: "Withdrawn by the candidate",
                ApplicationStatus.REJECTED: "Rejected"}


def _trimmed(value: str | None) -> str | None:
    """Drop the spaces around a typed value, which a pasted email often carries."""
    return value.strip() if value else value


class ContactsForm(FlaskForm):
    """Who answers for an opening: copied on reminders of its scorecards long overdue."""

    hiring_manager = StringField("Hiring manager", filters=[_trimmed], validators=[
        Optional(), Length(max=254), Regexp(EMAIL, message="This is not an email address.")])
    hr_contact = StringField("HR contact", filters=[_trimmed], validators=[
        Optional(), Length(max=254), Regexp(EMAIL, message="This is not an email address.")])


class OpeningForm(ContactsForm):
    """A new opening and the loop it is interviewed with, and who answers for it."""

    page_order = ("title", "key", "team", "loop", "hiring_manager", "hr_contact")

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


class InterviewTime(DateTimeLocalField):
    """The time of an interview; what is not a date and time is refused, naming the field."""

    def process_formdata(self, valuelist: list[str]) -> None:
        """Read the typed time, saying what was expected when it is not one."""
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("The date and time of the interview is not a date and time: give "
                             "it as 2026-11-20T10:00.") from None


class InterviewForm(FlaskForm):
    """An interview's time and panel: to schedule it, or to move it and change the panel."""

    # Typed on the scheduler's own clock: the label names their zone (hr.views), and
    # scheduled_utc() gives the time to store.
    scheduled_at = InterviewTime(
        "Date and time",
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        validators=[InputRequired(message="Give the date and time of the interview.")])
    panel = SelectMultipleField("Panel", validate_choice=False)
    panel_emails = TextAreaField("Or their emails", validators=[Length(max=5000)])

    def scheduled_utc(self) -> datetime:
        """Return the typed time, read on the scheduler's clock, in UTC."""
        return from_local_time(self.scheduled_at.data)

    def typed_emails(self) -> list[str]:
        """Return the emails typed, one a line or separated by commas or spaces."""
        return (self.panel_emails.data or "").replace(",", " ").split()

    def panel_email_list(self) -> list[str]:
        """Return the chosen and the typed emails, in that order."""
        return [*(self.panel.data or []), *self.typed_emails()]

    def validate_scheduled_at(self, field: InterviewTime) -> None:
        """Refuse a time the scheduler's clocks skip, or outside the years an interview may be."""
        if field.data is None:
            return
        try:
            moment = from_local_time(field.data)
        except NoSuchLocalTime as error:
            raise ValidationError(str(error)) from None
        except OverflowError:  # the calendar's far end, in a zone ahead of UTC
            moment = field.data.replace(tzinfo=UTC)
        problem = interview_time_problem(moment, utcnow())
        if problem:
            raise ValidationError(problem)

    def validate_panel(self, field: SelectMultipleField) -> None:
        """Ask for a panel when nobody is chosen or typed."""
        if not self.panel_email_list():
            raise ValidationError("Name at least one interviewer for the panel.")

    def validate_panel_emails(self, field: TextAreaField) -> None:
        """Name every typed email that is not an email address."""
        wrong = [email for email in self.typed_emails() if not EMAIL.match(email)]
        if wrong:
            raise ValidationError("Not email addresses: " + ", ".join(wrong) + ". Write one "
                                  "email a line.")


class ScheduleForm(InterviewForm):
    """An interview of one stage, its time and its panel."""

    page_order = ("stage", "scheduled_at", "panel", "panel_emails")

    stage = SelectField("Stage", validators=[DataRequired(message="Choose the stage.")])


class NoteForm(FlaskForm):
    """HR's short note on an interview; an empty one clears it."""

    note = TextAreaField("HR's note", filters=[_trimmed], validators=[Length(
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
    reason = TextAreaField("Reason for closing", validators=[
        DataRequired(message="Say why the application is closed."), Length(max=MAX_REASON)])


class ReminderForm(FlaskForm):
    """A button that sends a reminder; only the CSRF token travels."""


class HireOutcomeForm(FlaskForm):
    """How a hire turned out; choices are filled from the configured performance scale.

    The choices are not checked here: the service refuses a value off the scale, naming the
    allowed ones, wherever it comes from.
    """

    rating_6_months = SelectField("Performance rating at 6 months", validate_choice=False)
    rating_12_months = SelectField("Performance rating at 12 months", validate_choice=False)
    employed_12_months = RadioField(
        "Still employed at 12 months", validate_choice=False, default="",
        choices=[SelectChoice("", "Not known yet"), SelectChoice("yes", "Yes"),
                 SelectChoice("no", "No")])
    note = TextAreaField("Note on the outcome", filters=[_trimmed], validators=[Length(
        max=HIRE_OUTCOME_NOTE_MAX,
        message=f"Keep the note within {HIRE_OUTCOME_NOTE_MAX} characters.")])

    def with_scale(self, labels: tuple[str, ...]) -> HireOutcomeForm:
        """Offer the scale's labels, and "not rated yet", for both ratings."""
        choices = [SelectChoice("", "Not rated yet"),
                   *(SelectChoice(str(n), label) for n, label in enumerate(labels, 1))]
        self.rating_6_months.choices = self.rating_12_months.choices = choices
        return self

    def values(self) -> dict:
        """Return the typed values as the service takes them: numbers, yes/no, None if empty."""
        return {"rating_6_months": _number(self.rating_6_months.data),
                "rating_12_months": _number(self.rating_12_months.data),
                "employed_12_months": {"yes": True, "no": False}.get(
                    self.employed_12_months.data or ""),
                "note": self.note.data or None}


def _number(value: str | None) -> int | str | None:
    """Return a typed whole number as a number, anything else as typed for the service to refuse."""
    if not value:
        return None
    return int(value) if value.lstrip("-").isdigit() else value
