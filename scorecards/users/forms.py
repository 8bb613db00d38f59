"""Forms of user administration: an invitation, roles, the list's filters, a new password."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp, StopValidation
from wtforms.widgets import CheckboxInput, ListWidget

from ..auth.services import EMAIL_MAX, NAME_MAX
from ..core.vocabulary import Role
from ..hr.services.fields import EMAIL

ROLE_CHOICES = [SelectChoice(role.value, role.label) for role in Role]


def _trimmed(value: str | None) -> str | None:
    """Drop the spaces around a typed value, which a pasted email often carries."""
    return value.strip() if value else value


def _some_role(form: FlaskForm, field: SelectMultipleField) -> None:
    """Refuse an empty set of roles (DataRequired would mark every box required)."""
    if not field.data:
        raise StopValidation("Choose at least one role.")


class RolesField(SelectMultipleField):
    """Roles as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class InviteForm(FlaskForm):
    """Whom to invite, and with which roles."""

    email = EmailField("Email", filters=[_trimmed], validators=[
        DataRequired(message="Give the person's email."), Length(max=EMAIL_MAX),
        Regexp(EMAIL, message="This is not an email address.")])
    name = StringField("Name", filters=[_trimmed], validators=[Optional(), Length(max=NAME_MAX)])
    roles = RolesField("Roles", choices=ROLE_CHOICES, default=[Role.INTERVIEWER.value],
                       validators=[_some_role])


class RolesForm(FlaskForm):
    """The roles a user is to hold: all of them, as they are to be."""

    roles = RolesField("Roles", choices=ROLE_CHOICES,
                       validators=[_some_role])


class ActionForm(FlaskForm):
    """A button that changes an account: only the CSRF token is posted."""


class FilterForm(FlaskForm):
    """The list's search and filters, read from the query string."""

    class Meta:
        """A search changes nothing, so it needs no CSRF token."""

        csrf = False

    q = StringField("Name or email", validators=[Optional(), Length(max=100)])
    role = SelectField("Role", choices=[SelectChoice("", "Any role"), *ROLE_CHOICES],
                       validators=[Optional()])
    active = SelectField("State", choices=[SelectChoice("", "Active or not"),
                                           SelectChoice("yes", "Active"),
                                           SelectChoice("no", "Deactivated")],
                         validators=[Optional()])


class SetPasswordForm(FlaskForm):
    """A new password, typed twice."""

    password = PasswordField("New password", validators=[
        DataRequired(message="Choose a password."), Length(max=200)],
        render_kw={"autocomplete": "new-password"})
    confirm = PasswordField("The same password again", validators=[
        DataRequired(message="Type the password again."),
        EqualTo("password", message="The two passwords differ.")],
        render_kw={"autocomplete": "new-password"})
