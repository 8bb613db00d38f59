"""Interviewers to seat on a panel: found by what HR types, and named for the chosen ones.

The company has thousands of interviewers, so the panel picker lists none of them: it asks
for those whose name or email begins with what was typed, a few at a time, through the
prefix indexes of migration 0009_panelist_search.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from ...authz import Action, Area, require
from ...core.vocabulary import Role
from ...extensions import db
from ...models import User, UserRole

MAX_MATCHES = 20  # what a list under a search box can show; typing more narrows it
MAX_TYPED = 254  # the longest email; a longer prefix matches nobody
# Above every character, so that [prefix, prefix + LAST) holds exactly the texts with it.
LAST = "\U0010ffff"


@dataclass(frozen=True)
class Panelist:
    """An interviewer as the panel picker shows them."""

    email: str
    name: str

    @property
    def label(self) -> str:
        """Return how the picker names them: the name, and the email that tells namesakes apart."""
        return f"{self.name} ({self.email})"


@dataclass(frozen=True)
class Matches:
    """The interviewers found for what was typed, and whether more than these match."""

    panelists: list[Panelist]
    more: bool


def search_panelists(actor: User, typed: str, limit: int = MAX_MATCHES) -> Matches:
    """Return the active interviewers whose name or email begins with typed, by name.

    Case does not matter. Nothing typed, or more than an email can hold, matches nobody.
    """
    require(actor, Action.VIEW, Area.PIPELINE)
    typed = (typed or "").strip()
    if not typed or len(typed) > MAX_TYPED:
        return Matches([], more=False)
    found = db.session.execute(
        sa.select(User.email, User.name).join(UserRole)
        .where(User.active, UserRole.role == Role.INTERVIEWER,
               sa.or_(_name_starts(typed), _email_starts(typed.lower())))
        .order_by(User.name, User.email).limit(limit + 1)).all()
    return Matches([Panelist(email, name) for email, name in found[:limit]],
                   more=len(found) > limit)


def panelists_named(emails: Iterable[str]) -> list[Panelist]:
    """Return the users with these emails as the picker names them, in the order given.

    An email that names nobody is kept, named by itself, so that a refused choice stays on
    the form beside the message that refuses it.
    """
    wanted = list(dict.fromkeys(email.strip().lower() for email in emails if email.strip()))
    if not wanted:
        return []
    names = dict(db.session.execute(sa.select(User.email, User.name)
                                    .where(User.email.in_(wanted))).all())
    return [Panelist(email, names.get(email, email)) for email in wanted]


def _name_starts(typed: str) -> sa.ColumnElement[bool]:
    """Match the names that begin with typed, whatever its case, through ix_users_name_prefix."""
    if db.engine.dialect.name == "postgresql":
        # The byte-wise operators of an index with text_pattern_ops, whatever the collation.
        name, prefix = sa.func.lower(User.name), typed.lower()
        return sa.and_(name.op("~>=~", is_comparison=True)(prefix),
                       name.op("~<~", is_comparison=True)(prefix + LAST))
    name = sa.collate(User.name, "NOCASE")
    return sa.and_(name >= typed, name < typed + LAST)


def _email_starts(prefix: str) -> sa.ColumnElement[bool]:
    """Match the emails (stored in lower case) that begin with prefix, through an index."""
    if db.engine.dialect.name == "postgresql":
        return sa.and_(User.email.op("~>=~", is_comparison=True)(prefix),
                       User.email.op("~<~", is_comparison=True)(prefix + LAST))
    return sa.and_(User.email >= prefix, User.email < prefix + LAST)
