"""Reading the audit trail, newest first, a page at a time."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

import sqlalchemy as sa

from ..authz import Action, Area, require
from ..models import AuditEvent, User
from ..paging import Page, keyset_page

EVENTS = "audit"  # the kind of the trail's cursors


@dataclass(frozen=True)
class EventRow:
    """One event of the trail as its page shows it."""

    event_id: int
    at: datetime
    actor: str | None  # None for the system, or an account since removed
    action: str
    object_type: str
    object_id: int | None
    details: dict


def events(actor: User, limit: int = 50, after: str | None = None,
           before: str | None = None) -> Page[EventRow]:
    """Return a page of the trail, newest first, in one query, for administrators only.

    Paged by key: after continues below a page (older events), before above it; either
    raises ValueError for a cursor this list never issued.
    """
    require(actor, Action.VIEW, Area.USERS)
    query = (sa.select(AuditEvent.id, AuditEvent.at, User.name, AuditEvent.action,
                       AuditEvent.object_type, AuditEvent.object_id, AuditEvent.details)
             .outerjoin(User, User.id == AuditEvent.actor_id))
    page = keyset_page(query, (AuditEvent.id,), EVENTS, limit=limit, after=after,
                       before=before)
    return replace(page, rows=[EventRow(*row) for row in page.rows])
