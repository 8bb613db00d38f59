"""Throttling of failed sign-ins and refused API tokens, per account and per client address.

Only failures count, in a moving window, in the limiter's storage (Redis when REDIS_URL is set,
so every app server sees the same counts; memory otherwise). When a count is spent, the next
attempt is refused before any password or token is checked, with the seconds to wait. An
account is keyed by a hash of its email, so the storage holds no email addresses.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time

import limits
from flask import current_app

from ..extensions import limiter

log = logging.getLogger(__name__)

Check = tuple[str, str]  # (the setting holding the limit, whose attempts it counts)


def sign_in_checks(email: str, address: str | None) -> list[Check]:
    """Return the limits a sign-in attempt with this email, from this address, falls under."""
    account = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    return [("SIGN_IN_LIMIT_PER_ACCOUNT", account),
            ("SIGN_IN_LIMIT_PER_ADDRESS", address or "unknown")]


def api_token_checks(address: str | None) -> list[Check]:
    """Return the limits an API call with a token, from this address, falls under."""
    return [("API_TOKEN_LIMIT_PER_ADDRESS", address or "unknown")]


def seconds_to_wait(checks: list[Check]) -> int | None:
    """Return how long to wait before trying again if any of the limits is spent, else None."""
    try:
        for setting, who in checks:
            item = _item(setting)
            if not limiter.limiter.test(item, *_identifiers(setting, who)):
                reset, _ = limiter.limiter.get_window_stats(item, *_identifiers(setting, who))
                return max(1, math.ceil(reset - time.time()))
    except limiter.storage.base_exceptions:
        # Without its storage the limiter cannot count; refusing everyone would be worse.
        log.warning("The rate limit storage does not answer; attempts are not throttled.")
    return None


def count_failure(checks: list[Check]) -> None:
    """Count a failed attempt against each of the limits."""
    _each(checks, limiter.limiter.hit, "a failure went uncounted")


def forget_failures(checks: list[Check]) -> None:
    """Forget the failures counted against the limits (after a successful sign-in)."""
    _each(checks, limiter.limiter.clear, "failures were not forgotten")


def _each(checks: list[Check], act, lost: str) -> None:
    # A limit store that does not answer must not stop anyone signing in.
    try:
        for setting, who in checks:
            act(_item(setting), *_identifiers(setting, who))
    except limiter.storage.base_exceptions:
        log.warning("The rate limit storage does not answer; %s.", lost)


def _item(setting: str) -> limits.RateLimitItem:
    return limits.parse(current_app.config[setting])


def _identifiers(setting: str, who: str) -> tuple[str, ...]:
    # Flask-Limiter's key prefix lets deployments (or test runs) share one Redis.
    return (current_app.config.get("RATELIMIT_KEY_PREFIX") or "scorecards", setting.lower(), who)
