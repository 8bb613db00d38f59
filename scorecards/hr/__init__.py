"""HR's area: openings, candidates and applications, schedules, the pipeline, reports."""

from .views import bp

__all__ = ["bp"]
