"""The Flask extensions, created unbound and attached to an app in init_app."""

from __future__ import annotations

import re

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names, so Alembic can find a constraint again to alter or drop it.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base class of every model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Made and kept by migration 0008 (triggers fill them), so not modelled: the search's table,
# on SQLite an FTS5 table with the tables it keeps its index in, and a PostgreSQL-only index;
# and the prefix indexes of migration 0009_panelist_search, on an expression or with
# PostgreSQL's text_pattern_ops.
UNMODELLED = re.compile(
    r"candidate_search(_\w+)?|ix_candidates_email_prefix|ix_users_(name|email)_prefix")


def is_modelled(name: str | None, _type: str, _parents: dict) -> bool:
    """Tell Alembic whether a table or index of the database is one the models describe."""
    return name is None or not UNMODELLED.fullmatch(name)


db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True, compare_type=True, include_name=is_modelled)
login_manager = LoginManager()
csrf = CSRFProtect()
# Counts failed sign-ins and refused API tokens (auth.throttle), in the storage that the
# RATELIMIT_STORAGE_URI setting names; no limit applies to other requests.
limiter = Limiter(key_func=get_remote_address, strategy="moving-window")


def init_app(app: Flask) -> None:
    """Attach every extension to the app."""
    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.config["MIGRATIONS_DIR"]))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, _record) -> None:
    """Make SQLite enforce foreign keys and let readers work while a writer commits."""
    if type(dbapi_connection).__module__ != "sqlite3":
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA busy_timeout = 5000")
    cursor.close()
