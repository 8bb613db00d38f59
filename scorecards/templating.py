"""Filters that every area's templates share: how times and states read on a page."""

from __future__ import annotations

from datetime import datetime

from flask import Flask

from .core import scale
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
    app.add_template_filter(state_label)
    app.add_template_filter(month_name)
    app.add_template_global(utcnow)
    app.add_template_global(scale.LEVELS, "scale_levels")


def when(value: datetime | None) -> str:
    """Return a time as people read it, always marked UTC ("Tue 24 Nov 2026, 14:00 UTC")."""
    if value is None:
        return ""
    return f"{value:%a} {value.day} {value:%b %Y, %H:%M} UTC"


def month_name(month: str) -> str:
    """Return a "YYYY-MM" month as people read it ("January 2026")."""
    return datetime.strptime(month, "%Y-%m").strftime("%B %Y")


def state_label(state: str) -> str:
    """Return a scorecard state as a label."""
    return STATE_LABELS.get(state, state.replace("_", " ").capitalize())
