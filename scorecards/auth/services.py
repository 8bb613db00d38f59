"""Use cases for user accounts."""

from __future__ import annotations

import secrets
import time
from datetime import timedelta
from functools import cache

import sqlalchemy as sa
from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

from .. import audit
from ..core.vocabulary import Role
from ..extensions import db, login_manager
from ..models import User


class UserError(ValueError):
    """Raised when an account cannot be created or changed as asked."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field  # the input it concerns: email, roles or password


# Built once: Session.get composes a statement, and its cache key, on every request.
_USER_BY_ID = sa.select(User).where(User.id == sa.bindparam("user_id"))


@login_manager.user_loader
def load_user(sign_in_id: str) -> User | None:
    """Return the signed-in user for Flask-Login, or None if the sign-in was ended or is too old.

    The id is the one ``User.get_id`` issued: user, session generation, issue time, nonce.
    """
    parts = sign_in_id.split(".")
    if len(parts) != 4 or not all(part.isdigit() for part in parts[:3]):
        return None
    user_id, generation, issued = (int(part) for part in parts[:3])
    if time.time() - issued > _longest_sign_in_seconds():
        return None
    user = db.session.execute(_USER_BY_ID, {"user_id": user_id}).unique().scalar_one_or_none()
    if user is None or user.session_generation != generation:
        return None
    return user


def _longest_sign_in_seconds() -> float:
    duration = current_app.config["REMEMBER_COOKIE_DURATION"]
    # Flask-Login takes seconds or a timedelta here.
    return duration.total_seconds() if isinstance(duration, timedelta) else float(duration)


def end_sessions(user: User, cause: str, actor: User | None = None) -> None:
    """End every session and remember-me cookie of the user, on every device.

    cause is a word of the product's, never free text: sign_out or password_change.
    """
    user.session_generation += 1
    audit.record(actor, "user.sessions_ended", user, cause=cause)
    db.session.commit()


def find_user(email: str) -> User | None:
    """Return the user with this email, in any letter case."""
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def normalise_email(email: str) -> str:
    """Return the email as stored: trimmed and lower-case."""
    return email.strip().lower()


def authenticate(email: str, password: str) -> User | None:
    """Return the active user with these credentials, or None, taking as long either way.

    An unknown email, or an account without a password, is checked against a stand-in hash, so
    the answer's timing does not tell which emails have accounts.
    """
    user = find_user(email)
    if user is None or not user.password_hash:
        check_password_hash(_stand_in_hash(), password)
        return None
    if not user.check_password(password) or not user.is_active:
        return None
    return user


@cache
def _stand_in_hash() -> str:
    # Made like every stored hash, so checking against it costs the same.
    return generate_password_hash(secrets.token_hex(16))


def add_user(email: str, name: str, roles: list[Role], password: str | None,
             actor: User | None = None, commit: bool = True) -> User:
    """Create an account with these roles; raise UserError if the email is taken.

    With commit False the account is only flushed, for the caller to commit with more.
    """
    email = normalise_email(email)
    if "@" not in email or len(email) > EMAIL_MAX:
        raise UserError(f"'{email}' is not an email address", field="email")
    if find_user(email) is not None:
        raise UserError(f"a user with email {email} already exists", field="email")
    if not roles:
        raise UserError("give the user at least one role", field="roles")
    if len(name.strip()) > NAME_MAX:
        raise UserError(f"the name is longer than {NAME_MAX} characters", field="name")
    user = User(email=email, name=name.strip() or email.split("@")[0])
    for role in roles:
        user.grant(role)
    if password is not None:
        validate_password(password, [email, user.name, *email.split("@")])
        user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "user.add", user, email=email, roles=sorted(roles))
    if commit:
        db.session.commit()
    return user


NAME_MAX = 120  # characters of a user's name, as the column holds
EMAIL_MAX = 254  # as long as an address can be (RFC 5321), and the column
MIN_PASSWORD_LENGTH = 10
# zxcvbn's scale: 3 is "safely unguessable: moderate protection from offline slow-hash attacks".
MIN_PASSWORD_SCORE = 3
# zxcvbn's time grows with length; what it finds in the first characters decides anyway.
_SCORED_LENGTH = 100


def validate_password(password: str, user_inputs: list[str] = ()) -> None:
    """Raise UserError, saying why, unless the password is long and hard enough to guess.

    Common passwords, keyboard patterns, dates, repeats and the user's own email or name are
    what zxcvbn recognises, as password-cracking lists do.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    result = zxcvbn(password[:_SCORED_LENGTH], user_inputs=[i for i in user_inputs if i])
    if result["score"] < MIN_PASSWORD_SCORE:
        feedback = result["feedback"]
        reasons = " ".join([feedback["warning"], *feedback["suggestions"]]).strip()
        raise UserError("the password is too easy to guess. "
                        + (reasons or "Add another word or two. Uncommon words are better."))


def change_password(user: User, password: str, actor: User | None = None) -> None:
    """Set a new password after checking it, and end every session of the user."""
    validate_password(password, [user.email, user.name, *user.email.split("@")])
    user.set_password(password)
    audit.record(actor, "user.password_changed", user)
    end_sessions(user, cause="password_change", actor=actor)
