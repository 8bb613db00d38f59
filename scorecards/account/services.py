"""Storing a person's language and time zone."""

from __future__ import annotations

from ..extensions import db
from ..languages import LANGUAGES, is_time_zone
from ..models import User


def save_settings(user: User, language: str, time_zone: str) -> None:
    """Store the language and time zone the user chose; raise ValueError for unknown ones."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}")
    if not is_time_zone(time_zone):
        raise ValueError(f"unknown time zone {time_zone!r}")
    user.locale, user.time_zone = language, time_zone
    db.session.commit()


def adopt_browser_time_zone(user: User, reported: object) -> bool:
    """Give a user without a time zone the one their browser reported; tell whether it did.

    A zone the user has (chosen, or adopted at an earlier sign-in) is never replaced, and a
    report that names no known zone is ignored.
    """
    if user.time_zone is not None or not is_time_zone(reported):
        return False
    user.time_zone = reported
    db.session.commit()
    return True
