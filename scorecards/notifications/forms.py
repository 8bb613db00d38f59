"""The form of a person's mail preferences."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField

from .outbox import CHOICES


class PreferencesForm(FlaskForm):
    """Which mails the signed-in person gets."""

    panel = BooleanField(CHOICES["panel"])
    reminders = BooleanField(CHOICES["reminders"])
    committee = BooleanField(CHOICES["committee"])
