"""Use cases of the API: bearer tokens, and the queries behind its lists.

A token is 256 random bits shown once when issued; only its SHA-256 hash is stored, so a
copy of the database lets nobody call the API.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from .. import audit
from ..authz import Action, Area, can, owed_applications
from ..core.vocabulary import ApplicationStatus
from ..extensions import db
from ..models import ApiToken, Application, Opening, User, utcnow
from ..paging import decode_cursor, encode_cursor, keyset_page

ISSUED_PREFIX = "sc_"
DEFAULT_NAME = "default"
# Recording every use would write a row per request; a minute is precise enough to audit.
LAST_USED_PRECISION = timedelta(minutes=1)


class TokenError(ValueError):
    """Raised when a token cannot be issued or revoked as asked."""


def hash_token(token: str) -> str:
    """Return the stored form of a token: its SHA-256 hash in hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User, name: str = DEFAULT_NAME) -> str:
    """Create a token for the user and return it; it is not stored and cannot be shown again."""
    name = name.strip()
    if not name or len(name) > 100:
        raise TokenError("Name the token with 1 to 100 characters.")
    if not user.active:
        raise TokenError(f"{user.email} is deactivated; activate the account first.")
    if db.session.scalar(sa.select(ApiToken.id).where(
            ApiToken.user_id == user.id, ApiToken.name == name,
            ApiToken.revoked_at.is_(None))) is not None:
        raise TokenError(f"{user.email} has a token named '{name}' already; revoke it or "
                         "choose another name.")
    token = ISSUED_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user=user, name=name, token_hash=hash_token(token))
    db.session.add(row)
    db.session.flush()
    audit.record(None, "api_token.issued", row, user_id=user.id, name=name)
    db.session.commit()
    return token


def revoke_tokens(user: User, name: str | None = None) -> int:
    """Revoke the user's token of this name, or all of them with None; return how many."""
    query = sa.select(ApiToken).where(ApiToken.user_id == user.id,
                                      ApiToken.revoked_at.is_(None))
    if name is not None:
        query = query.where(ApiToken.name == name.strip())
    tokens = db.session.scalars(query).all()
    now = utcnow()
    for token in tokens:
        token.revoked_at = now
        audit.record(None, "api_token.revoked", token, user_id=user.id, name=token.name)
    db.session.commit()
    return len(tokens)


def authenticate(token: str) -> User | None:
    """Return the active user a live token belongs to, or None; note when it was used."""
    if not token.startswith(ISSUED_PREFIX):
        return None
    digest = hash_token(token)
    found = db.session.scalar(
        sa.select(ApiToken).where(ApiToken.token_hash == digest, ApiToken.revoked_at.is_(None))
        .options(joinedload(ApiToken.user)))
    if found is None or not hmac.compare_digest(found.token_hash, digest):
        return None
    if not found.user.is_active:
        return None
    now = utcnow()
    if found.last_used_at is None or now - found.last_used_at >= LAST_USED_PRECISION:
        found.last_used_at = now
        db.session.commit()
    return found.user


# Lists.


@dataclass(frozen=True)
class Page:
    """A page of a list, with the cursor of the next one (None on the last page)."""

    items: list
    next_cursor: str | None


def may_list_applications(actor: User) -> bool:
    """Tell whether the user oversees applications: the committee, HR and admins."""
    return can(actor, Action.VIEW, Area.COMMITTEE) or can(actor, Action.VIEW, Area.PIPELINE)


OPENINGS = "o"  # the kind of the openings list's cursors: a creation time and an id
OPENING_KEY = (Opening.created_at, Opening.id)


def openings(*, limit: int = 100, cursor: str | None = None) -> Page:
    """Return a page of the openings with their loops, newest first.

    Raises ValueError for a cursor this list never issued.
    """
    page = keyset_page(sa.select(Opening).options(joinedload(Opening.loop_version)),
                       OPENING_KEY, OPENINGS, limit=limit, after=cursor,
                       fetch=lambda select: db.session.scalars(select).all())
    return Page(page.rows, page.after)


APPLICATIONS = "a"  # the kind of the applications list's cursors


def applications(actor: User, *, opening: str | None = None,
                 status: ApplicationStatus | None = None, limit: int = 50,
                 cursor: str | None = None, offset: int | None = None) -> Page:
    """Return a page of the applications the actor may see, oldest first.

    As authz.can says for each application: an overseer who still owes a scorecard on an
    application does not see it.
    """
    owed = owed_applications(actor)
    query = (sa.select(Application).join(Application.opening)
             .where(Application.id.not_in(owed))
             .options(joinedload(Application.candidate), joinedload(Application.opening))
             .order_by(Application.id).limit(limit + 1))
    if opening is not None:  # the opening's id, found first, lets an index serve the list
        query = query.where(Application.opening_id == sa.select(Opening.id).where(
            Opening.key == opening).scalar_subquery())
    if status is not None:
        query = query.where(Application.status == status)
    if cursor is not None:
        query = query.where(Application.id > decode_cursor(APPLICATIONS, cursor))
    if offset is not None:
        query = query.offset(offset)
    found = list(db.session.scalars(query))
    more = len(found) > limit
    found = found[:limit]
    return Page(found, encode_cursor(APPLICATIONS, found[-1].id) if more else None)
