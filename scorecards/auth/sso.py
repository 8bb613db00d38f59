"""Single sign-on with an OpenID Connect provider: the client, and who its answer signs in.

Authlib does the protocol: discovery, state, nonce, PKCE, the code exchange, and the id token's
checks (signature against the provider's keys, issuer, audience, expiry, nonce). What is left
here is turning its errors into refusals a person understands, and the provider's claims into a
user of ours with the roles their groups give.
"""

from __future__ import annotations

from dataclasses import dataclass

import requests
import sqlalchemy as sa
from authlib.integrations.base_client.errors import MismatchingStateError, OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app
from joserfc.errors import (
    BadSignatureError,
    ClaimError,
    ExpiredTokenError,
    JoseError,
)

from .. import audit
from ..core.vocabulary import Role
from ..extensions import db
from ..models import User, UserRole
from .services import find_user, normalise_email

_CLIENT = "provider"
_NAME_LENGTH = User.name.type.length
# The provider's discovery, key and token endpoints answer within this, or sign-in is refused.
_TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class Refusal:
    """What a refused sign-in tells the person: its status, a title, and what to do."""

    status: int
    title: str
    message: str


# Each reason a sign-in is refused, in the words of the person signing in. {provider} is the
# OIDC_PROVIDER_NAME setting.
REFUSALS = {
    "state": Refusal(400, "This sign-in was interrupted", (
        "The answer from {provider} did not match a sign-in started in this browser, or it "
        "was used already. Nothing was signed in. Start again from the sign-in page.")),
    "provider": Refusal(400, "{provider} did not sign you in", (
        "The sign-in was cancelled or refused at {provider}. Start again from the sign-in "
        "page; if it keeps happening, ask your administrator.")),
    "unreachable": Refusal(502, "{provider} did not answer", (
        "Scorecards could not reach {provider} to confirm who you are. Try again in a few "
        "minutes; if it keeps happening, tell your administrator.")),
    "audience": Refusal(401, "We could not confirm who you are", (
        "The proof of identity from {provider} was made for another application, not for "
        "Scorecards. Nothing was signed in. Tell your administrator: the application's "
        "registration at {provider} needs checking.")),
    "expired": Refusal(401, "Your sign-in expired", (
        "The proof of identity from {provider} had expired when it reached Scorecards. "
        "Nothing was signed in. Start again from the sign-in page; if it keeps happening, "
        "tell your administrator (a server's clock may be wrong).")),
    "signature": Refusal(401, "We could not confirm who you are", (
        "The proof of identity from {provider} was changed on its way to Scorecards, so it "
        "cannot be trusted. Nothing was signed in. Start again from the sign-in page; if it "
        "keeps happening, tell your administrator.")),
    "token": Refusal(401, "We could not confirm who you are", (
        "The proof of identity from {provider} did not pass Scorecards' checks. Nothing was "
        "signed in. Start again from the sign-in page; if it keeps happening, tell your "
        "administrator.")),
    "no_email": Refusal(403, "Your account has no email address", (
        "{provider} did not tell Scorecards your email address, which Scorecards needs. Ask "
        "your administrator.")),
    "email_unverified": Refusal(403, "Your email address is not verified", (
        "{provider} says your email address is not verified yet. Verify it there, then "
        "sign in again.")),
    "domain": Refusal(403, "This account cannot sign in to Scorecards", (
        "Only accounts with an email address of your organisation may sign in. Sign in with "
        "your work account, or ask your administrator.")),
    "no_role": Refusal(403, "Your account has no role in Scorecards", (
        "You are signed in at {provider}, but none of your groups there gives a role in "
        "Scorecards. Ask your administrator to add you to the right group.")),
    "deactivated": Refusal(403, "Your Scorecards account is deactivated", (
        "Your account was deactivated, so it cannot sign in. Ask your administrator if you "
        "need it again.")),
    "email_taken": Refusal(403, "Your email address belongs to another account", (
        "A different Scorecards account already has your email address. Ask your "
        "administrator to sort out the two accounts.")),
}


class SignInRefused(Exception):
    """Raised when the provider's answer signs nobody in; reason is a key of REFUSALS."""

    def __init__(self, reason: str, detail: str = "", user: User | None = None):
        super().__init__(reason, detail)
        self.reason = reason
        self.detail = detail
        self.user = user

    @property
    def refusal(self) -> Refusal:
        """Return the status and words of the page that says why."""
        return REFUSALS[self.reason]


def init_app(app: Flask) -> None:
    """Register the OpenID Connect client when single sign-on is set up."""
    issuer = app.config.get("OIDC_ISSUER")
    if not issuer:
        return
    oauth = OAuth(app)
    oauth.register(
        _CLIENT,
        client_id=app.config["OIDC_CLIENT_ID"],
        client_secret=app.config["OIDC_CLIENT_SECRET"],
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": " ".join(app.config["OIDC_SCOPES"]),
                       "code_challenge_method": "S256", "timeout": _TIMEOUT_SECONDS},
    )


def enabled() -> bool:
    """Tell whether single sign-on is set up."""
    return bool(current_app.config.get("OIDC_ISSUER"))


def password_sign_in() -> bool:
    """Tell whether people may sign in with a password."""
    return bool(current_app.config.get("PASSWORD_SIGN_IN", True))


def provider_name() -> str:
    """Return the provider's name as the sign-in pages show it."""
    return current_app.config["OIDC_PROVIDER_NAME"]


def _client():
    return current_app.extensions["authlib.integrations.flask_client"].create_client(_CLIENT)


def start_sign_in(redirect_uri: str):
    """Return the redirect to the provider that starts signing in; raise SignInRefused."""
    try:
        return _client().authorize_redirect(redirect_uri)
    except (requests.RequestException, ValueError) as error:
        raise SignInRefused("unreachable", _technical(error)) from None


def finish_sign_in() -> User:
    """Check the provider's answer in this request and return the user it signs in.

    Raise SignInRefused, saying why, when the answer is not to be trusted or signs nobody in.
    """
    client = _client()
    issuer = current_app.config["OIDC_ISSUER"]
    try:
        token = client.authorize_access_token(
            claims_options={"iss": {"essential": True, "values": [issuer]}})
        claims = dict(token.get("userinfo") or {})
        if not claims:
            raise SignInRefused("token", "the token response has no id token")
        if not {"email", current_app.config["OIDC_GROUPS_CLAIM"]} <= claims.keys():
            claims = _with_userinfo(client, token, claims)
    except MismatchingStateError as error:
        raise SignInRefused("state", _technical(error)) from None
    except ExpiredTokenError as error:
        raise SignInRefused("expired", _technical(error)) from None
    except ClaimError as error:
        # A token for another client names it in aud, and so lacks the azp naming us.
        reason = "audience" if error.claim in ("aud", "azp") else "token"
        raise SignInRefused(reason, _technical(error)) from None
    except BadSignatureError as error:
        raise SignInRefused("signature", _technical(error)) from None
    except (JoseError, ValueError) as error:
        raise SignInRefused("token", _technical(error)) from None
    except OAuthError as error:
        raise SignInRefused("provider", _technical(error)) from None
    except requests.RequestException as error:
        raise SignInRefused("unreachable", _technical(error)) from None
    return sign_in_with_claims(issuer, claims)


def _with_userinfo(client, token: dict, claims: dict) -> dict:
    """Add the claims the provider gives at its userinfo endpoint to the id token's.

    Providers may keep email and groups out of the id token; the userinfo answer is for the
    same subject, or it is not used.
    """
    if not client.load_server_metadata().get("userinfo_endpoint"):
        return claims
    info = client.userinfo(token=token)
    if info.get("sub") != claims.get("sub"):
        raise SignInRefused("token", "the userinfo answer is about another subject")
    return {**info, **claims}


def _technical(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"


def roles_of(groups: object) -> set[Role]:
    """Return the roles the provider's groups give, by the OIDC_ROLE_GROUPS setting."""
    if isinstance(groups, str):
        groups = [groups]
    if not isinstance(groups, list):
        return set()
    mapping = current_app.config["OIDC_ROLE_GROUPS"] or {}
    return {Role(role) for group in groups if isinstance(group, str)
            for role in mapping.get(group, ())}


def sign_in_with_claims(issuer: str, claims: dict) -> User:
    """Return the user these checked claims sign in, created or brought up to date.

    A user is found by the provider's subject, or at their first sign-in through it by email;
    name and roles follow the provider at every sign-in. Raise SignInRefused when the claims
    sign nobody in.
    """
    subject = str(claims.get("sub") or "")
    if not subject:
        raise SignInRefused("token", "the id token has no subject")
    email = normalise_email(claims.get("email") or "") if isinstance(
        claims.get("email"), str) else ""
    if "@" not in email:
        raise SignInRefused("no_email", "no email claim")
    if claims.get("email_verified") is False:
        raise SignInRefused("email_unverified", "email_verified is false")
    allowed = current_app.config["OIDC_ALLOWED_DOMAINS"]
    if allowed and email.rsplit("@", 1)[1] not in allowed:
        raise SignInRefused("domain", f"domain {email.rsplit('@', 1)[1]} is not allowed")
    user = db.session.scalar(sa.select(User).where(User.sso_issuer == issuer,
                                                   User.sso_subject == subject))
    holder = find_user(email)
    if user is None and holder is not None and holder.sso_subject is not None:
        raise SignInRefused("email_taken", "the email's account is linked to another subject",
                            holder)
    if user is not None and holder is not None and holder is not user:
        raise SignInRefused("email_taken", "the new email belongs to another account", user)
    user = user or holder
    if user is not None and not user.active:
        raise SignInRefused("deactivated", "the account is deactivated", user)
    roles = roles_of(claims.get(current_app.config["OIDC_GROUPS_CLAIM"]))
    if not roles:
        raise SignInRefused("no_role", "no group maps to a role", user)
    name = _name(claims, email)
    if user is None:
        user = User(email=email, name=name, sso_issuer=issuer, sso_subject=subject)
        for role in sorted(roles):
            user.grant(role)
        db.session.add(user)
        db.session.flush()
        audit.record(None, "user.add", user, email=email, roles=sorted(roles),
                     via="single_sign_on")
    else:
        _update(user, issuer, subject, email, name, roles)
    db.session.commit()
    return user


def _update(user: User, issuer: str, subject: str, email: str, name: str,
            roles: set[Role]) -> None:
    if user.sso_subject is None:
        user.sso_issuer, user.sso_subject = issuer, subject
        audit.record(None, "user.single_sign_on_linked", user)
    if user.email != email:
        user.email = email
        audit.record(None, "user.email_changed", user, email=email, via="single_sign_on")
    user.name = name
    before = user.roles
    if before != roles:
        user.role_rows[:] = [row for row in user.role_rows if Role(row.role) in roles]
        for role in sorted(roles - before):
            user.role_rows.append(UserRole(role=role))
        audit.record(None, "user.roles_changed", user, before=sorted(before),
                     after=sorted(roles), via="single_sign_on")


def _name(claims: dict, email: str) -> str:
    parts = [claims.get("given_name"), claims.get("family_name")]
    for candidate in (claims.get("name"), " ".join(p for p in parts if isinstance(p, str)),
                      claims.get("preferred_username")):
        if isinstance(candidate, str) and candidate.strip():
            return candidate.strip()[:_NAME_LENGTH]
    return email.split("@")[0][:_NAME_LENGTH]
