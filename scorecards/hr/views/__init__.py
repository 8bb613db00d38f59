"""HR pages, one module per kind of page; they share the blueprint and the helpers of `common`.

- `openings`: the openings, an opening's pipeline and contacts, its report;
- `applications`: an application, its schedule, closing and hire-outcome forms, candidate search;
- `interviews`: an interview's forms, and the panel picker's search;
- `overdue`: the overdue scorecards and their reminders.
"""

from __future__ import annotations

from . import applications, interviews, openings, overdue
from .common import bp

__all__ = ["applications", "bp", "interviews", "openings", "overdue"]
