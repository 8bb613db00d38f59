"""Filters that every area's templates share: how times and states read on a page.

Times and dates go through scorecards.languages, in the reader's language and time zone.
"""

from __future__ import annotations

from flask import Flask

from .core import scale
from .languages import LANGUAGES, ago, clock, day, month_name, page_language, when, zone_name
from .models import utcnow

STATE_LABELS = {
    "not_started": "Not started",
    "draft": "Draft",
    "submitted": "Submitted",
    "overdue": "Overdue",
}


def init_app(app: Flask) -> None:
    """Register the shared template filters."""
    app.add_template_filter(when)
    app.add_template_filter(day)
    app.add_template_filter(clock)
    app.add_template_filter(ago)
    app.add_template_filter(state_label)
    app.add_template_filter(month_name)
    app.add_template_global(page_language)
    app.add_template_global(zone_name)
    app.add_template_global(LANGUAGES, "languages")
    app.add_template_global(utcnow)
    app.add_template_global(scale.LEVELS, "scale_levels")


def state_label(state: str) -> str:
    """Return a scorecard state as a label."""
    return STATE_LABELS.get(state, state.replace("_", " ").capitalize())
