"""When a scorecard not submitted is reminded of: a pure schedule, worked out from what was sent.

The first reminder is due ``first`` after the interview ends; each next one ``every`` after
the last one sent, whoever sent it (the schedule or HR's button), so nobody is reminded more
often than that. From ``escalate`` after the interview ends, each reminder copies the opening's
hiring manager or HR contact.
"""

from __future__ import annotations

from datetime import datetime, timedelta


def next_reminder_at(interview_end: datetime, last_sent: datetime | None, *,
                     first: timedelta, every: timedelta) -> datetime:
    """Return the earliest time the next reminder may go."""
    if last_sent is None:
        return interview_end + first
    return max(interview_end + first, last_sent + every)


def escalates(interview_end: datetime, now: datetime, escalate: timedelta) -> bool:
    """Tell whether a reminder sent now copies the opening's hiring manager or HR contact."""
    return now >= interview_end + escalate


def ago(moment: datetime, now: datetime) -> str:
    """Return how long ago a moment was, in the largest whole unit ("2 h ago", "3 days ago")."""
    seconds = max(0, int((now - moment).total_seconds()))
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    if seconds < 48 * 3600:
        return f"{seconds // 3600} h ago"
    return f"{seconds // 86400} days ago"
