"""Error reports to Sentry (or a server that speaks its protocol), off unless SENTRY_DSN is set.

A report says where the code failed, never whom it was about: no request body, cookie,
query string or header but the user agent, no local variables (they hold candidates'
names), no user beyond an id, and SQL errors without their parameters. The SDK is an
optional install (``pip install 'scorecards[sentry]'``); setting SENTRY_DSN without it
stops the app with that instruction.
"""

from __future__ import annotations

import logging
import re
from importlib import metadata
from typing import Any

from flask import Flask

from ..config import SettingsError

# SQLAlchemy appends the statement's values to its errors' text; the values may be a name.
_SQL_PARAMETERS = re.compile(r"\[parameters: .*?\]", re.DOTALL)
_KEPT_HEADERS = {"user-agent", "x-request-id"}


def init_app(app: Flask) -> None:
    """Start reporting unhandled errors to SENTRY_DSN, when it is set."""
    dsn = app.config.get("SENTRY_DSN")
    if not dsn:
        return
    try:
        import sentry_sdk
        from sentry_sdk.integrations.dedupe import DedupeIntegration
        from sentry_sdk.integrations.flask import FlaskIntegration
        from sentry_sdk.integrations.logging import LoggingIntegration
        from sentry_sdk.integrations.rq import RqIntegration
    except ImportError:
        raise SettingsError("SENTRY_DSN is set, but the Sentry SDK is not installed: "
                            "pip install 'scorecards[sentry]', or unset SENTRY_DSN.") from None
    sentry_sdk.init(
        dsn=dsn,
        environment=app.config.get("SENTRY_ENVIRONMENT"),
        release=f"scorecards@{metadata.version('scorecards')}",
        traces_sample_rate=app.config.get("SENTRY_TRACES_SAMPLE_RATE", 0.0),
        # The SDK's default keeps users and cookies out; scrub() below keeps the rest out.
        include_local_variables=False,
        max_request_body_size="never",
        # Only these: the automatic ones would record SQL statements and HTTP calls.
        default_integrations=False,
        auto_enabling_integrations=False,
        integrations=[LoggingIntegration(level=None, event_level=logging.ERROR),
                      FlaskIntegration(), RqIntegration(),
                      DedupeIntegration()],  # Flask logs what it catches: one report
        before_send=scrub,
    )


def scrub(event: dict[str, Any], _hint: dict[str, Any]) -> dict[str, Any]:
    """Strip from a report whatever could name a person, keeping where and what failed."""
    request = event.get("request")
    if request:
        event["request"] = {
            "method": request.get("method"),
            "url": str(request.get("url", "")).split("?")[0],
            "headers": {key: value for key, value in (request.get("headers") or {}).items()
                        if key.lower() in _KEPT_HEADERS},
        }
    if "user" in event:
        event["user"] = {key: value for key, value in event["user"].items() if key == "id"}
    for exception in (event.get("exception") or {}).get("values", []):
        if isinstance(exception.get("value"), str):
            exception["value"] = _SQL_PARAMETERS.sub("[parameters withheld]", exception["value"])
    for breadcrumb in (event.get("breadcrumbs") or {}).get("values", []):
        breadcrumb.pop("data", None)
    return event
