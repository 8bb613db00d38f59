"""The form of a person's mail preferences."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField

from .outbox import CHOICES


class PreferencesForm(FlaskForm):
    """Which mails the signed-in person gets."""

    panel = BooleanField(_l(CHOICES["panel"]))
    reminders = BooleanField(_l(CHOICES["reminders"]))
    committee = BooleanField(_l(CHOICES["committee"]))
