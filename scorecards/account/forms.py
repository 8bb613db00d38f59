"""The form of a person's account settings."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from ..languages import LANGUAGES, time_zones


class SettingsForm(FlaskForm):
    """The language pages are read in and the time zone their times are shown in."""

    language = SelectField(
        _l("Language"), validators=[InputRequired()],
        choices=[SelectChoice(code, name, render_kw={"lang": code})
                 for code, name in LANGUAGES.items()])
    time_zone = SelectField(_l("Time zone"), validators=[InputRequired()],
                            choices=[SelectChoice(name, name) for name in time_zones()])
