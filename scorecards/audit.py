"""The audit trail: every use case that changes or exports data records an event."""

from __future__ import annotations

from typing import Any

from .extensions import db
from .models import AuditEvent, User


def record(actor: User | None, action: str, obj: Any = None, **details: Any) -> AuditEvent:
    """Add an audit event to the current transaction; the caller commits it with its change."""
    event = AuditEvent(
        actor=actor,
        action=action,
        object_type=type(obj).__tablename__ if obj is not None else "system",
        object_id=getattr(obj, "id", None),
        details=details,
    )
    db.session.add(event)
    return event
