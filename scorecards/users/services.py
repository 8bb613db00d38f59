"""Administering user accounts: find, invite, change roles, deactivate, reactivate, reset.

Only admins do these (Area.USERS). Every change is audited with the admin and the account,
never with a password or a token. Invitations and password resets are single-use links that
expire; only a SHA-256 of each token is kept, and the token leaves in the mail alone.

Changing a user's roles does not end their sessions: roles are read afresh with the user on
every request and every API call, so a role taken away stops working at the next one, and
signing the person out would add nothing but lost typing. Deactivating does end them (and
revokes every API token), because a deactivated account must stop working at once.

The service is never left without an active admin: neither deactivating the last one nor
taking their admin role away is allowed, whoever asks.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from .. import audit
from ..auth.services import UserError, add_user, normalise_email, validate_password
from ..authz import Action, Area, require
from ..core.errors import Conflict, Invalid, NotVisible
from ..core.vocabulary import Role
from ..extensions import db
from ..hr.services import mail
from ..models import AccountLink, AccountLinkPurpose, ApiToken, User, UserRole, utcnow
from ..paging import Page, keyset_page

USERS = "u"  # the kind of the user list's cursors
MAX_SEARCH = 100  # characters of a search of the user list
UrlOf = Callable[[str], str]  # the address of the link page for a token


class LastAdmin(Conflict):
    """Raised when a change would leave the service without an active admin."""


class NotSent(Conflict):
    """Raised when a link cannot be made or mailed; the message says why."""


class LinkRefused(Exception):
    """Raised when an account link cannot be used; the message says why."""

    def __init__(self, message: str, gone: bool):
        super().__init__(message)
        self.gone = gone  # it existed but expired or was used (410), rather than never (404)


@dataclass(frozen=True)
class SentLink:
    """A link mailed to a user: to whom, the link itself, and when it stops working."""

    user_id: int
    to: str
    url: str | None  # None when no link was made (password sign-in is off)
    expires_at: datetime | None


def require_admin(actor: User | None) -> None:
    """Raise NotVisible unless the actor is an admin; None is the command line, trusted."""
    if actor is not None:
        require(actor, Action.MANAGE, Area.USERS)


def password_sign_in() -> bool:
    """Tell whether people sign in with a password here (rather than only single sign-on)."""
    return current_app.config["PASSWORD_SIGN_IN"]


# Reading.


def users(actor: User | None, *, search: str = "", role: Role | None = None,
          active: bool | None = None, limit: int = 50, after: str | None = None,
          before: str | None = None) -> Page[User]:
    """Return a page of the users, newest first, matching the search, role and state.

    search matches any part of the name or the email, in any letter case. Paged by key:
    after continues below a page, before above it; either raises ValueError for a cursor
    this list never issued.
    """
    require_admin(actor)
    query = sa.select(User)
    words = search.strip().lower()[:MAX_SEARCH]
    if words:
        pattern = "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") \
            + "%"
        query = query.where(sa.or_(sa.func.lower(User.name).like(pattern, escape="\\"),
                                   User.email.like(pattern, escape="\\")))
    if role is not None:
        query = query.where(User.id.in_(sa.select(UserRole.user_id)
                                        .where(UserRole.role == role.value)))
    if active is not None:
        query = query.where(User.active.is_(active))
    return keyset_page(query, (User.id,), USERS, limit=limit, after=after, before=before,
                       fetch=lambda select: db.session.scalars(select).unique().all())


def user(actor: User | None, user_id: int) -> User:
    """Return the user with this id; NotVisible if there is none or the actor is no admin."""
    require_admin(actor)
    found = db.session.get(User, user_id)
    if found is None:
        raise NotVisible("There is no such user.")
    return found


def open_links(target: User) -> list[AccountLink]:
    """Return the user's links that still work, newest first."""
    return list(db.session.scalars(
        sa.select(AccountLink).where(AccountLink.user_id == target.id,
                                     AccountLink.used_at.is_(None),
                                     AccountLink.expires_at > utcnow())
        .order_by(AccountLink.created_at.desc())))


# Changing.


def invite(actor: User | None, email: str, name: str, roles: Iterable[Role],
           url_of: UrlOf) -> SentLink:
    """Create an account for the email with these roles and mail the person an invitation.

    With password sign-in on, the mail carries a link to set a password; with it off, the
    mail says to sign in with the organisation's single sign-on. Invalid input (a taken or
    malformed email, no role) raises Invalid naming the field; a mail that could not go
    raises NotSent, and then no account is made.
    """
    require_admin(actor)
    roles = sorted(set(roles))
    try:
        target = add_user(email, name, roles, None, actor=actor, commit=False)
    except UserError as error:
        db.session.rollback()
        raise Invalid(str(error), field=error.field) from None
    audit.record(actor, "user.invited", target, by_link=password_sign_in())
    return _send(actor, target, AccountLinkPurpose.INVITATION, url_of)


def resend_invitation(actor: User | None, user_id: int, url_of: UrlOf) -> SentLink:
    """Mail a new invitation to a user who has not set a password yet; older links stop."""
    require_admin(actor)
    target = user(actor, user_id)
    if target.password_hash:
        raise NotSent(f"{target.email} has set a password already; send a password reset "
                      "instead.")
    if not target.active:
        raise NotSent(f"{target.email} is deactivated; reactivate the account first.")
    audit.record(actor, "user.invitation_resent", target)
    return _send(actor, target, AccountLinkPurpose.INVITATION, url_of)


def send_password_reset(actor: User | None, user_id: int, url_of: UrlOf) -> SentLink:
    """Mail a user a link to set a new password; older links stop working."""
    require_admin(actor)
    target = user(actor, user_id)
    if not password_sign_in():
        raise NotSent("Password sign-in is off: people sign in with single sign-on, so "
                      "there is no password to reset.")
    if not target.active:
        raise NotSent(f"{target.email} is deactivated; reactivate the account first.")
    audit.record(actor, "user.password_reset_sent", target)
    return _send(actor, target, AccountLinkPurpose.PASSWORD_RESET, url_of)


def change(actor: User | None, user_id: int, *, roles: Iterable[Role] | None = None,
           active: bool | None = None, name: str | None = None) -> User:
    """Change a user's roles, name or whether the account is active, in one transaction.

    Raises Invalid for an empty role set or name, LastAdmin when no active admin would be
    left. Deactivating ends the user's sessions and revokes their API tokens at once.
    """
    require_admin(actor)
    target = user(actor, user_id)
    new_roles = None if roles is None else frozenset(roles)
    if new_roles is not None and not new_roles:
        raise Invalid("Give the user at least one role.", field="roles")
    if name is not None and not name.strip():
        raise Invalid("Give the user a name.", field="name")
    _keep_an_admin(target, new_roles if new_roles is not None else target.roles,
                   target.active if active is None else active)
    if name is not None and name.strip() != target.name:
        audit.record(actor, "user.renamed", target)
        target.name = name.strip()
    if new_roles is not None and new_roles != target.roles:
        _set_roles(actor, target, new_roles)
    if active is not None and active != target.active:
        (_deactivate if not active else _reactivate)(actor, target)
    db.session.commit()
    return target


def _set_roles(actor: User | None, target: User, roles: frozenset[Role]) -> None:
    before = target.roles
    target.role_rows[:] = [row for row in target.role_rows if Role(row.role) in roles]
    for role in sorted(roles - before):
        target.grant(role)
    audit.record(actor, "user.roles_changed", target, added=sorted(roles - before),
                 removed=sorted(before - roles))


def _deactivate(actor: User | None, target: User) -> None:
    now = utcnow()
    target.active = False
    target.session_generation += 1  # every session and remember-me cookie ends
    revoked = db.session.execute(
        sa.update(ApiToken).where(ApiToken.user_id == target.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)).rowcount
    _use_up_links(target, now)
    audit.record(actor, "user.deactivated", target, tokens_revoked=revoked)


def _reactivate(actor: User | None, target: User) -> None:
    target.active = True
    audit.record(actor, "user.reactivated", target)


def _keep_an_admin(target: User, roles: frozenset[Role], active: bool) -> None:
    """Raise LastAdmin if the change leaves no active admin."""
    if not (target.active and Role.ADMIN in target.roles) or (active and Role.ADMIN in roles):
        return
    # The active admins' rows stay locked to the end of the transaction (PostgreSQL): two
    # admins removing each other at once are taken one after the other, and the second sees
    # the first's change. SQLite lets one writer at a time anyway.
    admins = db.session.scalars(
        sa.select(User.id).join(UserRole)
        .where(UserRole.role == Role.ADMIN.value, User.active.is_(True))
        .with_for_update(of=User)).all()
    if not set(admins) - {target.id}:
        what = "deactivated" if not active else "left without the admin role"
        raise LastAdmin(f"{target.email} is the only active admin, so the account cannot be "
                        f"{what}: nobody could manage accounts then. Make another user an "
                        "admin first.", field="active" if not active else "roles")


# Links.


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _send(actor: User | None, target: User, purpose: AccountLinkPurpose, url_of: UrlOf) -> SentLink:
    """Make a link for the user (if passwords are in use), mail it, and commit the change."""
    now = utcnow()
    url = expires = None
    if password_sign_in():
        token = secrets.token_urlsafe(32)
        expires = now + (timedelta(days=current_app.config["INVITATION_DAYS"])
                         if purpose is AccountLinkPurpose.INVITATION
                         else timedelta(hours=current_app.config["PASSWORD_RESET_HOURS"]))
        url = url_of(token)
        _use_up_links(target, now)
        db.session.add(AccountLink(user_id=target.id, purpose=purpose, token_hash=_digest(token),
                                   created_by_id=actor.id if actor else None, expires_at=expires))
    try:
        mail.sender().send(_message(target, purpose, url, expires))
    except mail.MailError as failed:
        db.session.rollback()
        raise NotSent(f"The mail to {target.email} was not sent: {failed}") from failed
    db.session.commit()
    return SentLink(target.id, target.email, url, expires)


def _message(target: User, purpose: AccountLinkPurpose, url: str | None,
             expires: datetime | None) -> mail.Message:
    if purpose is AccountLinkPurpose.PASSWORD_RESET:
        return mail.Message(to=target.email, subject="Set a new password for Scorecards", body=(
            f"Hello {target.name},\n\nAn administrator asked for you to set a new password "
            f"for Scorecards. Choose one here, until {expires:%d %b %Y %H:%M} UTC:\n\n{url}\n\n"
            "The link works once. If you did not expect this, tell your administrator."))
    if url is None:
        return mail.Message(to=target.email, subject="Your Scorecards account", body=(
            f"Hello {target.name},\n\nAn account was made for you on Scorecards. Sign in "
            "with your organisation's single sign-on, using this email address.\n"))
    return mail.Message(to=target.email, subject="You are invited to Scorecards", body=(
        f"Hello {target.name},\n\nAn account was made for you on Scorecards. Choose your "
        f"password here, until {expires:%d %b %Y} (the link works once):\n\n{url}\n"))


def _use_up_links(target: User, now: datetime) -> None:
    db.session.execute(sa.update(AccountLink)
                       .where(AccountLink.user_id == target.id, AccountLink.used_at.is_(None))
                       .values(used_at=now))


def open_link(token: str) -> AccountLink:
    """Return the link this token opens; LinkRefused if it never existed, expired or was used."""
    link = db.session.scalar(sa.select(AccountLink)
                             .where(AccountLink.token_hash == _digest(token)))
    if link is None:
        raise LinkRefused("This link is not valid. Check that you copied all of it.", gone=False)
    if link.used_at is not None or not link.user.active:
        raise LinkRefused("This link was used already, or a newer one was sent: each link "
                          "works once. Ask your administrator for a new one, or sign in.",
                          gone=True)
    if link.expires_at <= utcnow():
        raise LinkRefused(f"This link expired on {link.expires_at:%d %b %Y %H:%M} UTC. Ask "
                          "your administrator for a new one.", gone=True)
    if not password_sign_in():
        raise LinkRefused("Password sign-in is off: sign in with your organisation's single "
                          "sign-on.", gone=True)
    return link


def set_password_by_link(token: str, password: str) -> User:
    """Set the user's password from their link, use the link up, and end their other sessions.

    Raises LinkRefused for a link that cannot be used, UserError for a password the policy
    refuses (nothing is stored then, and the link still works).
    """
    link = open_link(token)
    target = link.user
    validate_password(password, [target.email, target.name, *target.email.split("@")])
    now = utcnow()
    target.set_password(password)
    target.session_generation += 1
    _use_up_links(target, now)
    audit.record(target, "user.password_set_by_link", target, purpose=link.purpose)
    db.session.commit()
    return target


def find(actor: User | None, email: str) -> User:
    """Return the user with this email; NotVisible if there is none."""
    require_admin(actor)
    found = db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))
    if found is None:
        raise NotVisible(f"There is no user {normalise_email(email)}.")
    return found
