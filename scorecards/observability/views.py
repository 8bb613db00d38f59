"""The metrics route, for a Prometheus scraper."""

from flask import Blueprint, abort, current_app, request

from . import metrics

bp = Blueprint("observability", __name__)


@bp.get("/metrics")
def metrics_page():
    """Answer the metrics to a scraper with the token; nothing exists without one set."""
    token = current_app.config.get("METRICS_TOKEN")
    if not token:
        abort(404)
    if not metrics.allowed(request.headers.get("Authorization"), token):
        return ("Send the metrics token as 'Authorization: Bearer <METRICS_TOKEN>'.\n", 401,
                {"WWW-Authenticate": 'Bearer realm="metrics"', "Content-Type": "text/plain"})
    return metrics.exposition(), 200, {"Content-Type": metrics.CONTENT_TYPE}
