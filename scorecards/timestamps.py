"""The one written form of a time in every export and API answer.

RFC 3339 in UTC with ``Z`` and whole seconds, e.g. ``2026-10-14T04:42:08Z``: what jq's
``fromdateiso8601``, JavaScript's ``Date``, Python's ``datetime.fromisoformat`` and
spreadsheets all read, so a time compares the same in a CSV, a JSON line and an API answer.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import PlainSerializer, WithJsonSchema


def in_utc(value: datetime) -> datetime:
    """Return the time in UTC, cut to whole seconds; a naive time is taken as UTC already."""
    value = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return value.replace(microsecond=0)


def rfc3339(value: datetime) -> str:
    """Return the time as RFC 3339 text in UTC with Z and whole seconds."""
    # isoformat, not strftime: %Y leaves years before 1000 unpadded on some platforms.
    return in_utc(value).replace(tzinfo=None).isoformat() + "Z"


# A time in an answer model (API, pydantic): validated as any datetime, written as rfc3339.
Timestamp = Annotated[
    datetime,
    PlainSerializer(rfc3339, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time",
                    "description": "RFC 3339 in UTC with Z and whole seconds, e.g. "
                                   "2026-10-14T04:42:08Z."}, mode="serialization"),
]
