"""The lock that orders erasure against work that copies personal data elsewhere.

Erasure holds it alone for its whole transaction; a background job holds it shared while it
is claimed and while its file is stored. So a job either finishes before an erasure starts
(and the erasure finds and deletes its file) or is claimed after it (and reads erased data),
or is running across it (and the erasure cancels it, so it stores nothing).

On PostgreSQL it is a transaction-level advisory lock. SQLite lets one write transaction run
at a time, and each of these steps writes, so there the database's own lock does it.
"""

from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db

ERASURE_LOCK_KEY = 0x5C0_2EC0_E2A5E  # any constant all processes agree on


def hold_erasure_lock(*, shared: bool) -> None:
    """Take the erasure lock in the session's transaction, until it commits or rolls back."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    db.session.execute(sa.select(getattr(sa.func, function)(ERASURE_LOCK_KEY)))
