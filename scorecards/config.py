"""Settings: defaults, the environment, then what the caller passes to create_app.

The settings the service itself reads are typed (``Settings``) and validated when the app is
created, so a mistyped value stops the app at once with the setting's name and what it
accepts, instead of being misread (``False`` as a true string) or failing on first use.
Any other Flask or extension setting may still be given as ``SCORECARDS_<NAME>``.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

import limits
import sqlalchemy as sa
from flask import Flask
from pydantic import (
    AfterValidator,
    Field,
    RedisDsn,
    TypeAdapter,
    ValidationError,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from .core.vocabulary import Role

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent
ENV_PREFIX = "SCORECARDS_"
# Settings that hosting platforms hand out without the prefix.
UNPREFIXED = {"DATABASE_URL": "SQLALCHEMY_DATABASE_URI", "REDIS_URL": "REDIS_URL",
              "SECRET_KEY": "SECRET_KEY"}


class SettingsError(ValueError):
    """Raised when a setting has a value the service cannot use; the message names it."""


def _database_url(url: str) -> str:
    try:
        sa.make_url(url)
    except sa.exc.ArgumentError:
        raise ValueError("expected a database URL such as postgresql://user@host/db") from None
    return _normalise_url(url)


def _redis_url(url: str) -> str:
    TypeAdapter(RedisDsn).validate_python(url)
    return url


def _rate_limit(value: str) -> str:
    try:
        limits.parse(value)
    except ValueError:
        raise ValueError("expected a rate such as '10 per 15 minutes'") from None
    return value


def _public_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError("expected the address users reach the service at, such as "
                         "https://scorecards.example.com (a path is allowed, no query)")
    return url.rstrip("/")


DatabaseUrl = Annotated[str, AfterValidator(_database_url)]
PublicUrl = Annotated[str, AfterValidator(_public_url)]
RedisUrl = Annotated[str, AfterValidator(_redis_url)]
RateLimit = Annotated[str, AfterValidator(_rate_limit)]
Count = Annotated[int, Field(ge=1)]


def _scale(labels: tuple[str, ...]) -> tuple[str, ...]:
    if len(labels) < 2 or len(set(labels)) != len(labels) or not all(map(str.strip, labels)):
        raise ValueError("expected two or more different labels, lowest first")
    return labels


PerformanceScale = Annotated[tuple[str, ...], AfterValidator(_scale)]


def _issuer(url: str) -> str:
    if not url.startswith(("https://", "http://")) or "?" in url or "#" in url:
        raise ValueError("expected the provider's issuer URL, such as "
                         "https://login.example.com/realms/staff")
    return url.rstrip("/")


def _redirect_uri(url: str) -> str:
    if not url.startswith(("https://", "http://")) or not url.endswith("/sign-in/sso/callback"):
        raise ValueError("expected https://YOUR-HOST/sign-in/sso/callback")
    return url


def _role_groups(mapping: dict[str, list[str]]) -> dict[str, list[str]]:
    known = [role.value for role in Role]
    for group, roles in mapping.items():
        unknown = [role for role in roles if role not in known]
        if unknown:
            raise ValueError(f"group {group!r} maps to {', '.join(map(repr, unknown))}, "
                             f"which is no role; the roles are {', '.join(known)}")
    return mapping


def _domains(domains: tuple[str, ...]) -> tuple[str, ...]:
    cleaned = tuple(domain.strip().lower().lstrip("@") for domain in domains)
    if not all(cleaned) or any("@" in domain or " " in domain for domain in cleaned):
        raise ValueError("expected email domains such as [\"example.com\"]")
    return cleaned


def _scopes(scopes: tuple[str, ...]) -> tuple[str, ...]:
    if "openid" not in scopes:
        raise ValueError("expected a list of scopes that includes \"openid\"")
    return scopes


IssuerUrl = Annotated[str, AfterValidator(_issuer)]
RoleGroups = Annotated[dict[str, list[str]], AfterValidator(_role_groups)]
EmailDomains = Annotated[tuple[str, ...], AfterValidator(_domains)]
Scopes = Annotated[tuple[str, ...], AfterValidator(_scopes)]
# Signing in through the provider needs all of these once OIDC_ISSUER is set.
OIDC_REQUIRED = ("OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_ROLE_GROUPS")
DEFAULT_PERFORMANCE_SCALE = ("Well below expectations", "Below expectations",
                             "Meets expectations", "Exceeds expectations",
                             "Far exceeds expectations")


class Settings(BaseSettings):
    """The settings the service reads, with their types and defaults."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore",
                                      case_sensitive=True, validate_default=False)

    SQLALCHEMY_DATABASE_URI: DatabaseUrl | None = None  # None: SQLite in the instance folder
    SECRET_KEY: str | None = None  # None: generated once into instance/secret_key
    SESSION_COOKIE_SECURE: bool = False
    REMEMBER_DAYS: Count = 14  # how long "keep me signed in" lasts
    SIGN_IN_LIMIT_PER_ACCOUNT: RateLimit = "10 per 15 minutes"  # failed sign-ins per email
    SIGN_IN_LIMIT_PER_ADDRESS: RateLimit = "50 per 15 minutes"  # failed sign-ins per client
    API_TOKEN_LIMIT_PER_ADDRESS: RateLimit = "50 per 15 minutes"  # noqa: S105 (a rate)
    RATELIMIT_STORAGE_URI: str | None = None  # None: REDIS_URL when set, else in memory
    SCORECARD_OVERDUE_HOURS: Count = 24  # a scorecard not submitted this long after is overdue
    SCORECARD_SUBMIT_EARLY_MINUTES: Annotated[int, Field(ge=0)] = 15  # submitting opens early
    # Calibration, agreement and interviewer habits are fitted on the scorecards submitted
    # this many days before the fit (analytics/measurement.py).
    CALIBRATION_WINDOW_DAYS: Count = 365
    # The voluntary self-identification questions (a YAML file like
    # scorecards/fairness/questionnaires/us-eeo-1.yaml); None: that US set.
    SELF_IDENTIFICATION_FILE: str | None = None
    SELF_IDENTIFICATION_LINK_DAYS: Count = 14  # how long a candidate's link to it works
    # Answers go (their anonymous counts stay) once every application ended this long ago.
    SELF_IDENTIFICATION_RETENTION_MONTHS: Count = 24
    RETENTION_MONTHS: Count = 24  # candidates whose applications all ended this long ago go
    REDIS_URL: RedisUrl | None = None  # the Redis of the RQ job queue
    JOBS_BACKEND: Literal["rq", "thread", "inline"] | None = None  # None: rq with REDIS_URL
    JOBS_QUEUE: Annotated[str, Field(min_length=1)] = "scorecards"  # the RQ queue's name
    JOB_TIMEOUT_SECONDS: Count = 1800  # a job still unfinished after this counts as failed
    JOB_FILE_HOURS: Count = 24  # how long a prepared file is kept for its requester
    JOB_CHUNK_BYTES: Count = 1024 * 1024  # a prepared file is stored in pieces of this size
    EXPORT_JOB_ROWS: Count = 50_000  # an export of more rows is prepared as a background job
    # How a hire's performance is rated at 6 and 12 months, lowest first (a JSON list in the
    # environment); a rating is stored as its position, 1 the first label.
    PERFORMANCE_SCALE: PerformanceScale = DEFAULT_PERFORMANCE_SCALE
    HIRE_OUTCOME_RETENTION_MONTHS: Count = 36  # a hire's outcomes go this long after the hire
    # Logs go to standard error, one JSON object a line ("json") or as text for a person
    # ("text"); None: JSON unless standard error is a terminal.
    LOG_FORMAT: Literal["json", "text"] | None = None
    LOG_LEVEL: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # A scraper reads /metrics with 'Authorization: Bearer <METRICS_TOKEN>'; None: no /metrics.
    METRICS_TOKEN: Annotated[str, Field(min_length=16)] | None = None
    SENTRY_DSN: str | None = None  # error reports go there; None: none are sent
    SENTRY_ENVIRONMENT: str | None = None  # e.g. production or staging, shown on each report
    SENTRY_TRACES_SAMPLE_RATE: Annotated[float, Field(ge=0, le=1)] = 0.0  # share traced
    # Single sign-on with an OpenID Connect provider (auth/sso.py); None: no single sign-on.
    # The issuer URL is the provider's, as its /.well-known/openid-configuration names it.
    OIDC_ISSUER: IssuerUrl | None = None
    OIDC_CLIENT_ID: str | None = None  # the client id the provider gave this service
    OIDC_CLIENT_SECRET: str | None = None  # and its secret
    # The redirect URI registered at the provider; None: PUBLIC_URL + /sign-in/sso/callback
    # (the request's own address when PUBLIC_URL is unset).
    OIDC_REDIRECT_URI: Annotated[str, AfterValidator(_redirect_uri)] | None = None
    OIDC_PROVIDER_NAME: Annotated[str, Field(min_length=1)] = "your organisation's account"
    OIDC_SCOPES: Scopes = ("openid", "email", "profile")  # asked for at sign-in (a JSON list)
    OIDC_GROUPS_CLAIM: Annotated[str, Field(min_length=1)] = "groups"  # the claim of groups
    # Which roles each provider group gives (a JSON object: group -> list of roles); a user's
    # roles are those of all their groups, set again at every sign-in.
    OIDC_ROLE_GROUPS: RoleGroups | None = None
    # Only emails of these domains may sign in through the provider (a JSON list); empty: any.
    OIDC_ALLOWED_DOMAINS: EmailDomains = ()
    # False: only the provider signs people in; the password form is gone and refused.
    PASSWORD_SIGN_IN: bool = True

    @model_validator(mode="after")
    def _sign_in_possible(self) -> Settings:
        if self.OIDC_ISSUER:
            missing = [ENV_PREFIX + name for name in OIDC_REQUIRED if not getattr(self, name)]
            if missing:
                raise ValueError(f"single sign-on needs {', '.join(missing)} as well")
        elif not self.PASSWORD_SIGN_IN:
            raise ValueError(f"nobody could sign in: {ENV_PREFIX}PASSWORD_SIGN_IN is false but "
                             f"{ENV_PREFIX}OIDC_ISSUER is not set; set up single sign-on "
                             "or leave password sign-in on")
        return self
    INVITATION_DAYS: Count = 7  # how long the link mailed to an invited user works
    PASSWORD_RESET_HOURS: Count = 2  # how long a mailed link to set a new password works
    # The folder of the SQLite file, the generated secret key and the packet cache; read before
    # the app is built (instance_path). None: instance/ beside the code, as in a checkout.
    INSTANCE_PATH: str | None = None
    # How many reverse proxies stand in front of the app servers: their X-Forwarded-For, -Proto,
    # -Host and -Prefix headers are trusted for that many hops. 0: the headers are ignored, as
    # anyone may send them when nothing in front rewrites them.
    PROXIES: Annotated[int, Field(ge=0)] = 0
    # The address users reach the service at, e.g. https://scorecards.example.com: links in
    # mails and other absolute links use it, whatever Host a request came with. None: the
    # request's own address (after the trusted proxies' headers).
    PUBLIC_URL: PublicUrl | None = None
    # Loops give no length to their stages: an interview is taken to end this long after it
    # starts, for the first reminder of a scorecard not submitted.
    INTERVIEW_MINUTES: Count = 60
    SCORECARD_FIRST_REMINDER_HOURS: Count = 1  # first reminder this long after the interview
    SCORECARD_REMINDER_EVERY_HOURS: Count = 24  # then one each this many hours
    REMINDER_ESCALATE_DAYS: Count = 3  # from this many days after the interview, copy the
    # opening's hiring manager (or its HR contact) on each reminder
    NOTIFICATION_MAX_ATTEMPTS: Count = 6  # a mail not delivered after this many tries fails
    NOTIFICATION_RETRY_SECONDS: Count = 60  # the first retry's wait; each next one doubles it
    NOTIFICATION_KEEP_DAYS: Count = 30  # sent and failed mails are deleted this long after
    SCHEDULER_TICK_SECONDS: Count = 60  # how often `flask jobs schedule` does its rounds
    SCHEDULER_LEASE_SECONDS: Count = 300  # how long a silent scheduler keeps the lease
    SCHEDULER_NIGHTLY_HOUR: Annotated[int, Field(ge=0, le=23)] = 2  # UTC hour of nightly work

    def flask_config(self, app: Flask) -> dict:
        """Return these settings as Flask config keys, the derived ones included."""
        values = self.model_dump(exclude={"REMEMBER_DAYS"})
        values["SQLALCHEMY_DATABASE_URI"] = self.SQLALCHEMY_DATABASE_URI or \
            f"sqlite:///{Path(app.instance_path) / 'scorecards.db'}"
        values["REMEMBER_COOKIE_DURATION"] = timedelta(days=self.REMEMBER_DAYS)
        values["INSTANCE_PATH"] = app.instance_path  # the folder chosen before the app was built
        values["RATELIMIT_STORAGE_URI"] = self.RATELIMIT_STORAGE_URI or self.REDIS_URL \
            or "memory://"
        if not self.SECRET_KEY:
            del values["SECRET_KEY"]
        return values


def read_settings(overrides: dict | None = None) -> Settings:
    """Return the validated settings from the environment and overrides; raise SettingsError."""
    given = {field: os.environ[name] for name, field in UNPREFIXED.items()
             if os.environ.get(name)}
    given.update({key: value for key, value in (overrides or {}).items()
                  if key in Settings.model_fields})
    try:
        return Settings(**given)
    except ValidationError as error:
        raise SettingsError(_explain(error, overrides or {})) from None


def _explain(error: ValidationError, overrides: dict) -> str:
    """Name each bad setting as it was given, with its value and what it accepts."""
    lines = []
    for problem in error.errors(include_url=False):
        if not problem["loc"]:  # a rule between settings, which its message names
            lines.append(problem["msg"].removeprefix("Value error, "))
            continue
        field = str(problem["loc"][0])
        if field in overrides:
            name = field
        else:
            name = next((env for env, key in UNPREFIXED.items()
                         if key == field and os.environ.get(env)), ENV_PREFIX + field)
        accepts = _ACCEPTS.get(problem["type"]) or problem["msg"].removeprefix("Value error, ")
        lines.append(f"{name}={problem['input']!r} is not valid: {accepts}")
    return "Invalid settings:\n  " + "\n  ".join(lines)


_ACCEPTS = {
    "bool_parsing": "expected true or false (also 1/0, yes/no, on/off)",
    "int_parsing": "expected a whole number",
}


def data_dir(name: str) -> Path:
    """Return a shipped data folder (templates, rubrics, migrations) installed or checked out.

    An installed package carries them inside it (setup.py copies them there); a checkout keeps
    them at its top.
    """
    installed = PACKAGE_DIR / name
    return installed if installed.is_dir() else PROJECT_ROOT / name


def instance_path(overrides: dict | None = None) -> str:
    """Return the absolute instance folder the overrides or SCORECARDS_INSTANCE_PATH name."""
    chosen = (overrides or {}).get("INSTANCE_PATH") or os.environ.get(ENV_PREFIX + "INSTANCE_PATH")
    return str(Path(chosen).expanduser().resolve() if chosen else PROJECT_ROOT / "instance")


def load_config(app: Flask, overrides: dict | None) -> None:
    """Fill app.config from defaults, environment variables and overrides, in that order."""
    app.config.from_mapping(
        RUBRICS_DIR=str(data_dir("rubrics")),
        MIGRATIONS_DIR=str(data_dir("migrations")),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,  # tokens live as long as the session; forms stay open for hours
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        PACKET_CACHE_DIR=str(Path(app.instance_path) / "packet-cache"),
        RATELIMIT_HEADERS_ENABLED=False,  # throttled answers set Retry-After themselves
    )
    typed = read_settings(overrides)
    # Other Flask and extension settings; the typed ones are parsed above, never as raw text.
    app.config.from_prefixed_env(ENV_PREFIX.rstrip("_"))
    app.config.update(typed.flask_config(app))
    if overrides:
        app.config.from_mapping({key: value for key, value in overrides.items()
                                 if key not in Settings.model_fields})
    # The remember-me cookie is never less protected than the session cookie.
    app.config["REMEMBER_COOKIE_SECURE"] = bool(app.config.get("REMEMBER_COOKIE_SECURE")
                                                or app.config.get("SESSION_COOKIE_SECURE"))
    # A failed statement's values (a candidate's name, say) stay out of error messages and logs.
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {}).setdefault("hide_parameters", True)
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
