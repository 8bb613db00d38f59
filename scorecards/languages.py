"""Each person's language and time zone: which translation a page is read in, and its clock.

A signed-in user's own choice wins; before one is made, the browser's Accept-Language picks
among the languages the pages are translated into, and times read in UTC.
"""

from __future__ import annotations

from flask import Flask, request
from flask_babel import Babel
from flask_login import current_user

# The languages the pages are translated into; the first is the one they are written in.
LANGUAGES = {"en": "English", "sv": "Svenska"}
DEFAULT_TIME_ZONE = "UTC"

babel = Babel()


def init_app(app: Flask) -> None:
    """Attach Babel, choosing each request's language and time zone."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", next(iter(LANGUAGES)))
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", DEFAULT_TIME_ZONE)
    babel.init_app(app, locale_selector=select_language, timezone_selector=select_time_zone)


def select_language() -> str:
    """Return the signed-in user's language, else the browser's best translated match."""
    chosen = getattr(current_user, "locale", None)
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or next(iter(LANGUAGES))


def select_time_zone() -> str:
    """Return the signed-in user's time zone name, UTC until they have one."""
    return getattr(current_user, "time_zone", None) or DEFAULT_TIME_ZONE
