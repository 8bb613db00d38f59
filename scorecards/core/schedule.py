"""When an interview may be held: within five years of now, before or after.

Interviews are recorded after they took place and planned ahead, but never decades away: a
time outside the window is a typing slip (2206 for 2026), and refusing it keeps every time
that pages add windows to or subtract from well inside what a date can hold. Every path that
sets an interview's time (HR's pages, the API, the demo) asks ``interview_time_problem``.
"""

from __future__ import annotations

from datetime import UTC, datetime

WINDOW_YEARS = 5


def years_from(moment: datetime, years: int) -> datetime:
    """Return the same day and time some calendar years later (or earlier), 29 Feb as 28 Feb."""
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February of a leap year, in a year that is not one
        return moment.replace(year=moment.year + years, day=28)


def interview_window(now: datetime) -> tuple[datetime, datetime]:
    """Return the earliest and the latest time an interview may be set to, seen from now."""
    return years_from(now, -WINDOW_YEARS), years_from(now, WINDOW_YEARS)


def interview_time_problem(when: datetime, now: datetime) -> str | None:
    """Return what is wrong with an interview's time, or None when it may be stored."""
    if when.tzinfo is None:
        return "The interview time has no time zone; give it in UTC."
    earliest, latest = interview_window(now)
    # Comparing aware times needs no conversion, so it cannot overflow as astimezone can.
    if earliest <= when <= latest:
        return None
    direction = "ahead" if when > latest else "ago"
    return (f"The interview time, {_shown(when)}, is more than {WINDOW_YEARS} years {direction}: "
            f"give a time between {_shown(earliest)} and {_shown(latest)}.")


def _shown(moment: datetime) -> str:
    try:
        moment = moment.astimezone(UTC)
    except OverflowError:  # the far end of the calendar in another time zone
        return moment.isoformat(timespec="minutes")
    return f"{moment.day} {moment:%b} {moment.year:04d}, {moment:%H:%M} UTC"
