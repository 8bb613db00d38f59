"""Scorecards: structured-interview scorecards for hiring loops."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: dict | None = None) -> Flask:
    """Create and wire the application; config overrides settings from the environment."""
    # Imported here, as flaskr does, so that importing a piece (the core) loads no app.
    from flask import Flask

    from . import cli, errors, extensions, languages, proxy, requests, security, templating
    from .config import data_dir, instance_path, load_config
    from .observability import logs, metrics, reporting

    app = Flask(__name__, instance_path=instance_path(config),
                template_folder=str(data_dir("templates")))
    load_config(app, config)
    logs.init_app(app)  # first: every later hook's lines carry the request's id
    reporting.init_app(app)
    extensions.init_app(app)
    languages.init_app(app)
    security.init_app(app)
    requests.init_app(app)  # before the blueprints: their routes take its id converter
    errors.init_app(app)
    metrics.init_app(app)
    templating.init_app(app)
    cli.init_app(app)
    from .analytics import upkeep

    upkeep.init_app(app)  # summaries move in the same transaction as what they count
    from .notifications import delivery

    delivery.init_app(app)  # mail queued by a transaction goes once it commits

    # Each area's views module holds its blueprint, registered in this order.
    from .account import views as account
    from .analytics import views as analytics
    from .api import views as api
    from .auth import views as auth
    from .committee import views as committee
    from .exports import views as exports
    from .fairness import views as fairness
    from .home import views as home
    from .hr import views as hr
    from .interviews import views as interviews
    from .jobs import views as jobs
    from .notifications import views as notifications
    from .observability import views as observability
    from .packets import views as packets
    from .privacy import views as privacy
    from .trail import views as trail
    from .users import views as users

    for area in (analytics, auth, home, interviews, committee, packets, hr, api, exports,
                 privacy, jobs, trail, fairness, users, notifications, account, observability):
        app.register_blueprint(area.bp)
    # Last, so it is the outermost middleware: whatever else wraps the app sees the client's
    # address, scheme and host.
    proxy.init_app(app)
    return app
