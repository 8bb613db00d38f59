"""Each person's language and time zone: which translation a page is read in, and its clock.

A signed-in user's own choice wins; before one is made, the browser's Accept-Language picks
among the languages the pages are translated into, and times read in UTC. Every time and date
a page shows goes through the functions here, so it reads in the reader's language and zone;
exports, the API, packets' machine-readable parts and calendar files stay UTC (ISO 8601).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from babel.dates import format_date, format_skeleton, get_datetime_format
from flask import Flask, has_request_context, request
from flask_babel import (
    Babel,
    format_time,
    format_timedelta,
    get_locale,
    get_timezone,
    gettext,
    to_user_timezone,
)
from flask_login import current_user

# The languages the pages are translated into; the first is the one they are written in.
LANGUAGES = {"en": "English", "sv": "Svenska"}
# The conventions each language's dates and numbers follow: English pages keep the day-month-
# year order and 24-hour clock they always had ("Tue 24 Nov 2026, 14:00"), which no reader of
# an international team misreads; Swedish follows Swedish conventions.
FORMATS = {"en": "en_GB", "sv": "sv_SE"}
DEFAULT_TIME_ZONE = "UTC"
# Where a language's pages keep a pattern of their own rather than CLDR's for a skeleton:
# English pages write "Tue 24 Nov 2026", as they always have, not CLDR's "Tue, 24 Nov 2026".
PATTERNS = {"en_GB": {"yMMMEd": "EEE d MMM y"}}

babel = Babel()


def init_app(app: Flask) -> None:
    """Attach Babel, choosing each request's language and time zone."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", next(iter(LANGUAGES)))
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", DEFAULT_TIME_ZONE)
    babel.init_app(app, locale_selector=select_language, timezone_selector=select_time_zone)


def N_(message: str) -> str:  # noqa: N802 (gettext's name for it)
    """Mark a message for translation where it is defined; it is translated where shown."""
    return message


def select_language() -> str:
    """Return the Babel locale of the language the request's page is read in."""
    return FORMATS[request_language()]


def request_language() -> str:
    """Return the signed-in user's language, else the browser's best translated match.

    Outside a request (a job, a mail, the shell) it is the language the pages are written in.
    """
    if not has_request_context():
        return next(iter(LANGUAGES))
    chosen = getattr(current_user, "locale", None)
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or next(iter(LANGUAGES))


def select_time_zone() -> str:
    """Return the signed-in user's time zone name, UTC until they have one (or no request)."""
    if not has_request_context():
        return DEFAULT_TIME_ZONE
    return getattr(current_user, "time_zone", None) or DEFAULT_TIME_ZONE


def page_language() -> str:
    """Return the language the page is read in, as its <html lang> names it ("sv")."""
    return get_locale().language


def time_locale() -> str:
    """Return the BCP 47 locale whose conventions the page's times follow ("en-GB")."""
    return FORMATS.get(page_language(), page_language()).replace("_", "-")


@cache
def time_zones() -> tuple[str, ...]:
    """Return the IANA time zone names a user may choose, sorted."""
    return tuple(sorted(available_timezones() - {"localtime", "Factory"}))


def is_time_zone(name: object) -> bool:
    """Tell whether name is an IANA time zone this machine knows."""
    return isinstance(name, str) and name in time_zones()


def when(value: datetime | None) -> str:
    """Return a time in the reader's zone and language, its zone named.

    "Tue 24 Nov 2026, 14:00 UTC" in English, "tis 24 nov. 2026 15:00 CET" in Swedish.
    """
    if value is None:
        return ""
    local = to_user_timezone(value)
    pattern = get_datetime_format("medium", locale=get_locale())
    return pattern.format(format_time(local, "short"), day(local, weekday=True)) \
        + f" {_zone_abbreviation(local)}"


def day(value: datetime | date | None, weekday: bool = False) -> str:
    """Return the date of a time (in the reader's zone) or a date, as the reader writes it."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_user_timezone(value)
    return _formatted(value, "yMMMEd" if weekday else "yMMMd")


def clock(value: datetime) -> str:
    """Return the time of day of a time in the reader's zone, the zone named ("14:00 UTC")."""
    local = to_user_timezone(value)
    return f"{format_time(local, 'short')} {_zone_abbreviation(local)}"


JUST_NOW = timedelta(minutes=1)  # closer than this, "1 second ago" is noise


def ago(value: datetime | None, now: datetime | None = None) -> str:
    """Return how long ago a time was, in the reader's language ("2 hours ago")."""
    if value is None:
        return ""
    delta: timedelta = value - (now or datetime.now(UTC))
    if abs(delta) < JUST_NOW:
        return gettext("just now")
    return format_timedelta(delta, add_direction=True)


def span(length: timedelta) -> str:
    """Return a length of time in its largest unit, in the reader's language ("3 days")."""
    return format_timedelta(length)


def month_name(month: str | date, short: bool = False) -> str:
    """Return a month ("YYYY-MM", or the month of a date) as the reader writes it.

    "January 2026", or "Jan 2026" when short.
    """
    if isinstance(month, str):
        month = datetime.strptime(month, "%Y-%m").date()
    elif isinstance(month, datetime):
        month = to_user_timezone(month)
    return _formatted(month, "yMMM" if short else "yMMMM")


def zone_name() -> str:
    """Return the reader's time zone name ("Europe/Stockholm")."""
    return str(get_timezone())


class NoSuchLocalTime(ValueError):
    """A wall-clock time that the zone skips when its clocks go forward."""


def from_local_time(typed: datetime, zone: str | None = None) -> datetime:
    """Return the UTC time of a wall-clock time typed in the reader's zone (or the one named).

    A time the clocks skip (02:30 on the night summer time starts) raises NoSuchLocalTime; a
    time that occurs twice (the hour the clocks go back) is its first occurrence.
    """
    tz = ZoneInfo(zone or zone_name())
    local = typed.replace(tzinfo=tz, fold=0)
    moment = local.astimezone(UTC)
    if moment.astimezone(tz).replace(tzinfo=None) != typed.replace(tzinfo=None, fold=0):
        raise NoSuchLocalTime(f"{typed:%Y-%m-%d %H:%M} does not exist in {tz.key}: the clocks "
                              "skip it. Give a time outside the change.")
    return moment


def to_local_time(moment: datetime, zone: str | None = None) -> datetime:
    """Return a time as a wall-clock time in the reader's zone (or the one named), zone-less."""
    return moment.astimezone(ZoneInfo(zone or zone_name())).replace(tzinfo=None)


def _formatted(value: date, skeleton: str) -> str:
    locale = get_locale()
    pattern = PATTERNS.get(str(locale), {}).get(skeleton)
    if pattern:
        return format_date(value, pattern, locale=locale)
    return format_skeleton(skeleton, value, locale=locale)


def _zone_abbreviation(local: datetime) -> str:
    # The tz database's abbreviation ("CET", "EST", "JST"; "+03" where a zone has none):
    # the same in every language, unlike CLDR's localised names, which most zones lack.
    return local.tzname() or zone_name()
