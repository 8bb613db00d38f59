"""The form of a person's account settings."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import InputRequired

from ..languages import LANGUAGES, time_zones


class SettingsForm(FlaskForm):
    """The language pages are read in and the time zone their times are shown in."""

    language = SelectField(_l("Language"), choices=list(LANGUAGES.items()),
                           validators=[InputRequired()])
    time_zone = SelectField(_l("Time zone"), choices=[(name, name) for name in time_zones()],
                            validators=[InputRequired()])
