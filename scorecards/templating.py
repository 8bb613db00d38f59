"""Filters that every area's templates share: how times and states read on a page.

Times and dates go through scorecards.languages, in the reader's language and time zone.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from .core import scale
from .languages import (
    LANGUAGES,
    ago,
    clock,
    day,
    month_name,
    page_language,
    span,
    time_locale,
    when,
    zone_name,
)
from .models import utcnow

STATE_LABELS = {
    "not_started": _l("Not started"),
    "draft": _l("Draft"),
    "submitted": _l("Submitted"),
    "overdue": _l("Overdue"),
    "withdrawn": _l("Withdrawn"),
    "cancelled": _l("Cancelled"),
}
# An interviewer's overall recommendation (core.vocabulary.Recommendation) as a page reads it.
RECOMMENDATION_LABELS = {
    "strong_no_hire": _l("Strong no hire"),
    "no_hire": _l("No hire"),
    "hire": _l("Hire"),
    "strong_hire": _l("Strong hire"),
}


def init_app(app: Flask) -> None:
    """Register the shared template filters."""
    app.add_template_filter(when)
    app.add_template_filter(day)
    app.add_template_filter(clock)
    app.add_template_filter(ago)
    app.add_template_filter(span)
    app.add_template_filter(state_label)
    app.add_template_filter(recommendation_label)
    app.add_template_filter(month_name)
    app.add_template_global(page_language)
    app.add_template_global(zone_name)
    app.add_template_global(time_locale)
    app.add_template_global(LANGUAGES, "languages")
    app.add_template_global(utcnow)
    app.add_template_global(scale.LEVELS, "scale_levels")


def state_label(state: str) -> str:
    """Return a scorecard state as a label, in the reader's language."""
    return str(STATE_LABELS.get(state, state.replace("_", " ").capitalize()))


def recommendation_label(value: str) -> str:
    """Return an overall recommendation as a label, in the reader's language."""
    return str(RECOMMENDATION_LABELS.get(value, value.replace("_", " ").capitalize()))
