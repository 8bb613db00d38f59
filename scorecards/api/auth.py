"""Who is calling: the user of the bearer token, never a session cookie.

The API takes no cookies, so it needs no CSRF token and a page's session cannot be ridden
into it. The caller is set per request in ``g.api_user`` and handed to services as actor.
"""

from __future__ import annotations

from flask import g, request

from ..auth import throttle
from ..models import User
from .errors import ApiProblem
from .services import authenticate

CHALLENGE_INVALID = 'Bearer error="invalid_token"'


def identify() -> None:
    """Set g.api_user from the Authorization header, or answer 401."""
    g.api_user = None
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiProblem(401, "Send an API token: Authorization: Bearer TOKEN.",
                         headers={"WWW-Authenticate": "Bearer"})
    checks = throttle.api_token_checks(request.remote_addr)
    wait = throttle.seconds_to_wait(checks)
    if wait:
        raise ApiProblem(429, f"Too many refused tokens from this address; try again in {wait} "
                              "seconds.", headers={"Retry-After": str(wait)})
    user = authenticate(token.strip())
    if user is None:
        throttle.count_failure(checks)
        raise ApiProblem(401, "The token is unknown, revoked, or its user is deactivated.",
                         headers={"WWW-Authenticate": CHALLENGE_INVALID})
    g.api_user = user


def api_user() -> User:
    """Return the user calling the API in this request."""
    return g.api_user
