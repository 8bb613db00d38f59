"""Response headers that keep pages from being framed, sniffed or fed foreign scripts."""

from __future__ import annotations

from flask import Flask, Response, abort, request, session

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


def init_app(app: Flask) -> None:
    """Add the security headers to every response, and refuse form text no database stores."""
    app.after_request(_add_headers)
    app.after_request(_no_store_for_the_signed_in)
    app.before_request(_refuse_nul_characters)


def _refuse_nul_characters() -> None:
    # PostgreSQL cannot store NUL in text; no person types one, so say so instead of failing.
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data") and any(
            "\x00" in value for value in request.form.values()):
        abort(400, description="The form holds a NUL character, which cannot be stored. "
                               "Remove it and send the form again.")


def _add_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    return response


NO_STORE = "private, no-store"


def _no_store_for_the_signed_in(response: Response) -> Response:
    """Keep every answer to a signed-in user or an API token out of every cache.

    Such answers show personal data or scores (pages, packets, exports, prepared files, the
    API), and a copy left in a browser's or a proxy's cache outlives both the session and an
    erasure. Static files are the same for everyone and stay cacheable.
    """
    if request.endpoint == "static":
        return response
    token = request.headers.get("Authorization", "").lower().startswith("bearer ")
    # The session says who signed in; asking the user object could cost a query.
    if token or session.get("_user_id") is not None:
        response.headers["Cache-Control"] = NO_STORE
        response.headers["Pragma"] = "no-cache"  # for HTTP/1.0 caches that ignore the above
    return response
