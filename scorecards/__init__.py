"""Scorecards: structured-interview scorecards for hiring loops."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: dict | None = None) -> Flask:
    """Create and wire the application; config overrides settings from the environment."""
    # Imported here, as flaskr does, so that importing a piece (the core) loads no app.
    from flask import Flask

    from . import cli, errors, extensions, requests, security, templating
    from .config import PROJECT_ROOT, load_config

    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    load_config(app, config)
    extensions.init_app(app)
    security.init_app(app)
    requests.init_app(app)  # before the blueprints: their routes take its id converter
    errors.init_app(app)
    templating.init_app(app)
    cli.init_app(app)

    from .analytics import bp as analytics_bp
    from .api import bp as api_bp
    from .auth import bp as auth_bp
    from .committee import bp as committee_bp
    from .exports.views import bp as exports_bp
    from .home import bp as home_bp
    from .hr import bp as hr_bp
    from .interviews import bp as interviews_bp
    from .jobs import bp as jobs_bp
    from .packets import bp as packets_bp
    from .privacy.views import bp as privacy_bp

    app.register_blueprint(analytics_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(home_bp)
    app.register_blueprint(interviews_bp)
    app.register_blueprint(committee_bp)
    app.register_blueprint(packets_bp)
    app.register_blueprint(hr_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(exports_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(jobs_bp)
    return app
