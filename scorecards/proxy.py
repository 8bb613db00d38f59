"""Behind reverse proxies: which forwarding headers to trust, and the address links carry.

With ``PROXIES`` set to the number of proxies in front of the app servers, Werkzeug's ProxyFix
takes the client's address, the scheme, the host and the path prefix from that many hops of
``X-Forwarded-For``, ``-Proto``, ``-Host`` and ``-Prefix``; with 0 the headers are ignored, since
a client could send them itself. Absolute links (in mails, to a candidate) are built by
``external_url`` from ``PUBLIC_URL`` when it is set, so they never carry an app server's own
address, whatever Host header a request came with.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, has_request_context, url_for
from werkzeug.middleware.proxy_fix import ProxyFix


def init_app(app: Flask) -> None:
    """Trust the configured number of proxies' forwarding headers."""
    hops = app.config["PROXIES"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops,
                                x_port=hops, x_prefix=hops)


def external_url(endpoint: str, **values) -> str:
    """Return the absolute URL of an endpoint, on PUBLIC_URL when it is set."""
    public = current_app.config.get("PUBLIC_URL")
    if not public:
        if not has_request_context():
            raise RuntimeError("Set SCORECARDS_PUBLIC_URL: a link made outside a request "
                               "(a job, the scheduler, a command) has no other address.")
        return url_for(endpoint, _external=True, **values)
    parts = urlsplit(public)
    # An adapter of its own: the request's host and prefix play no part, and none is needed
    # (a job or a command builds links too).
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/",
                                       url_scheme=parts.scheme)
    return adapter.build(endpoint, values, force_external=True)
