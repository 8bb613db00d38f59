"""The audit trail: every use case that changes or exports data records an event.

An event says who did what to which record, never what a person wrote: free text (a reason,
a rationale, a note) can name a candidate, and the trail is kept after a candidate is erased.
Such text stays in the record it belongs to, where erasure reaches it; an event points at
that record (a revision's number, a decision's id) instead of copying the words.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from .extensions import db
from .models import AuditEvent, User

# Detail names that would carry what someone wrote; record() refuses them.
FREE_TEXT = frozenset({"reason", "rationale", "note", "notes", "evidence", "takeaways",
                       "private_note", "comment", "message", "text", "body", "subject"})


def record(actor: User | None, action: str, obj: Any = None, **details: Any) -> AuditEvent:
    """Add an audit event to the current transaction; the caller commits it with its change."""
    if text := FREE_TEXT.intersection(details):
        raise ValueError(f"an audit event keeps no free text; drop {', '.join(sorted(text))} "
                         "and point at the record that holds it")
    event = AuditEvent(
        actor=actor,
        action=action,
        object_type=type(obj).__tablename__ if obj is not None else "system",
        object_id=getattr(obj, "id", None),
        details=details,
    )
    db.session.add(event)
    return event


def forget_text(object_type: str, object_ids: Iterable[int]) -> int:
    """Drop free text from the events about these records; return how many events changed.

    Events recorded before the trail refused free text may still hold some (an amendment's
    reason); erasure calls this so that none outlives the person it was about.
    """
    ids = list(object_ids)
    changed = 0
    for start in range(0, len(ids), 500):
        for event in db.session.scalars(sa.select(AuditEvent).where(
                AuditEvent.object_type == object_type,
                AuditEvent.object_id.in_(ids[start:start + 500]))):
            if FREE_TEXT.intersection(event.details):
                event.details = {name: value for name, value in event.details.items()
                                 if name not in FREE_TEXT}
                changed += 1
    return changed
