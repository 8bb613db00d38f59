"""What HR types: the checks of text and email fields, and the refusal that names its field."""

from __future__ import annotations

import re

from ...core.errors import Invalid

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class PipelineError(Invalid):
    """Raised when HR's input cannot be stored as given; the message says what and where."""


def required(value: str | None, field: str, limit: int) -> str:
    """Return the text trimmed; refuse it when empty or longer than limit."""
    value = (value or "").strip()
    if not value:
        raise PipelineError(f"The {field} is missing.", field)
    if len(value) > limit:
        raise PipelineError(f"The {field} has {len(value)} characters; keep it within {limit}.",
                            field)
    return value


def optional(value: str | None, limit: int, field: str = "team") -> str | None:
    """Return the text trimmed, or None when empty; refuse it when longer than limit."""
    value = (value or "").strip()
    if len(value) > limit:
        raise PipelineError(f"The {field} has {len(value)} characters; keep it within {limit}.",
                            field)
    return value or None


def email_address(value: str | None) -> str | None:
    """Return the email trimmed and in lower case, as it is stored and compared, or None."""
    email = optional(value, 254, "email")
    if email is not None and not EMAIL.match(email):
        raise PipelineError(f"'{email}' is not an email address.", "email")
    return email.lower() if email else None
