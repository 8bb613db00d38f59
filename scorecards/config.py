"""Settings: defaults, the environment, then what the caller passes to create_app."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def load_config(app: Flask, overrides: dict | None) -> None:
    """Fill app.config from defaults, environment variables and overrides, in that order."""
    app.config.from_mapping(
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{Path(app.instance_path) / 'scorecards.db'}",
        RUBRICS_DIR=str(PROJECT_ROOT / "rubrics"),
        MIGRATIONS_DIR=str(PROJECT_ROOT / "migrations"),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,  # tokens live as long as the session; forms stay open for hours
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        SCORECARD_OVERDUE_HOURS=24,  # a scorecard not submitted this long after is overdue
        SCORECARD_SUBMIT_EARLY_MINUTES=15,  # submitting opens this long before an interview
        PACKET_CACHE_DIR=str(Path(app.instance_path) / "packet-cache"),
        RETENTION_MONTHS=24,  # candidates whose applications all ended this long ago are erased
        PACKET_WORKERS=None,  # processes rendering a committee packet; None: one per core
        REDIS_URL=None,  # the Redis of the RQ job queue, e.g. redis://127.0.0.1:6379/0
        JOBS_BACKEND=None,  # rq, thread or inline; None: rq with REDIS_URL, else thread
        JOBS_QUEUE="scorecards",  # the RQ queue's name
        JOB_TIMEOUT_SECONDS=1800,  # a job still unfinished after this counts as failed
        JOB_FILE_HOURS=24,  # how long a prepared file is kept for its requester
        JOB_CHUNK_BYTES=1024 * 1024,  # a prepared file is stored in pieces of this size
    )
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = _normalise_url(os.environ["DATABASE_URL"])
    if os.environ.get("REDIS_URL"):
        app.config["REDIS_URL"] = os.environ["REDIS_URL"]
    if os.environ.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
    app.config.from_prefixed_env("SCORECARDS")
    if overrides:
        app.config.from_mapping(overrides)
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # A server may drop idle connections; a SQLite file never does, so skip the ping there.
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {}).setdefault("pool_pre_ping", True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))


def _normalise_url(url: str) -> str:
    """Let plain postgres:// URLs (as hosting platforms hand them out) use psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def _instance_secret(instance: Path) -> str:
    """Return the secret key kept in the instance folder, creating it on first use."""
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as file:
            file.write(secrets.token_hex(32))
    return path.read_text().strip()
