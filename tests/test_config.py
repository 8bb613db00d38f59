"""Settings are typed and checked when the app starts, naming what is wrong."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from scorecards import create_app
from scorecards.config import SettingsError

ROOT = Path(__file__).parent.parent


@pytest.fixture
def clean_env(monkeypatch):
    """Start from an environment without Scorecards settings."""
    for name in list(os.environ):
        if name.startswith("SCORECARDS_") or name in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY"):
            monkeypatch.delenv(name)
    return monkeypatch


@pytest.mark.parametrize(("text", "expected"), [
    ("False", False), ("false", False), ("0", False), ("no", False),
    ("True", True), ("true", True), ("1", True), ("on", True),
])
def test_booleans_from_the_environment_mean_what_they_say(clean_env, text, expected):
    clean_env.setenv("SCORECARDS_SESSION_COOKIE_SECURE", text)
    app = create_app({"SECRET_KEY": "x"})
    assert app.config["SESSION_COOKIE_SECURE"] is expected
    assert app.config["REMEMBER_COOKIE_SECURE"] is expected


def test_numbers_from_the_environment_are_numbers(clean_env):
    clean_env.setenv("SCORECARDS_RETENTION_MONTHS", "36")
    clean_env.setenv("SCORECARDS_REMEMBER_DAYS", "3")
    app = create_app({"SECRET_KEY": "x"})
    assert app.config["RETENTION_MONTHS"] == 36
    assert app.config["REMEMBER_COOKIE_DURATION"] == timedelta(days=3)


@pytest.mark.parametrize(("name", "value", "message"), [
    ("SCORECARDS_SESSION_COOKIE_SECURE", "Flase", "expected true or false"),
    ("SCORECARDS_RETENTION_MONTHS", "abc", "expected a whole number"),
    ("SCORECARDS_RETENTION_MONTHS", "0", "greater than or equal to 1"),
    ("SCORECARDS_JOBS_BACKEND", "rqq", "'rq', 'thread' or 'inline'"),
    ("REDIS_URL", "http://127.0.0.1:6379", "'redis' or 'rediss'"),
    ("DATABASE_URL", "not a url", "expected a database URL"),
    ("SCORECARDS_SIGN_IN_LIMIT_PER_ACCOUNT", "lots", "expected a rate such as"),
])
def test_a_bad_setting_stops_the_app_naming_it_and_what_it_accepts(clean_env, name, value,
                                                                  message):
    clean_env.setenv(name, value)
    with pytest.raises(SettingsError) as raised:
        create_app({"SECRET_KEY": "x"})
    assert f"{name}={value!r} is not valid" in str(raised.value)
    assert message in str(raised.value)


def test_a_bad_override_is_named_as_given(clean_env):
    with pytest.raises(SettingsError, match="JOB_CHUNK_BYTES='big' is not valid"):
        create_app({"SECRET_KEY": "x", "JOB_CHUNK_BYTES": "big"})


def test_overrides_win_over_the_environment(clean_env):
    clean_env.setenv("SCORECARDS_JOBS_BACKEND", "thread")
    app = create_app({"SECRET_KEY": "x", "JOBS_BACKEND": "inline", "CUSTOM": 1})
    assert app.config["JOBS_BACKEND"] == "inline"
    assert app.config["CUSTOM"] == 1


def test_other_prefixed_settings_still_reach_flask(clean_env):
    clean_env.setenv("SCORECARDS_MAX_CONTENT_LENGTH", "4194304")
    assert create_app({"SECRET_KEY": "x"}).config["MAX_CONTENT_LENGTH"] == 4194304


def test_throttling_counts_in_redis_when_there_is_one(clean_env):
    clean_env.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    assert create_app({"SECRET_KEY": "x"}).config["RATELIMIT_STORAGE_URI"] == \
        "redis://127.0.0.1:6379/0"
    clean_env.delenv("REDIS_URL")
    assert create_app({"SECRET_KEY": "x"}).config["RATELIMIT_STORAGE_URI"] == "memory://"


SSO = {"SCORECARDS_OIDC_ISSUER": "https://login.example.com/realms/staff/",
       "SCORECARDS_OIDC_CLIENT_ID": "scorecards", "SCORECARDS_OIDC_CLIENT_SECRET": "s3cret",
       "SCORECARDS_OIDC_ROLE_GROUPS": '{"staff": ["interviewer"], "hr": ["hr", "interviewer"]}'}


def test_single_sign_on_reads_its_settings_from_the_environment(clean_env):
    for name, value in {**SSO, "SCORECARDS_OIDC_ALLOWED_DOMAINS": '["Example.com"]',
                        "SCORECARDS_PASSWORD_SIGN_IN": "false"}.items():
        clean_env.setenv(name, value)
    config = create_app({"SECRET_KEY": "x"}).config
    assert config["OIDC_ISSUER"] == "https://login.example.com/realms/staff"
    assert config["OIDC_ROLE_GROUPS"] == {"staff": ["interviewer"], "hr": ["hr", "interviewer"]}
    assert config["OIDC_ALLOWED_DOMAINS"] == ("example.com",)
    assert config["OIDC_SCOPES"] == ("openid", "email", "profile")
    assert config["PASSWORD_SIGN_IN"] is False


@pytest.mark.parametrize("missing", ["SCORECARDS_OIDC_CLIENT_ID", "SCORECARDS_OIDC_CLIENT_SECRET",
                                     "SCORECARDS_OIDC_ROLE_GROUPS"])
def test_single_sign_on_set_up_half_way_stops_the_app_naming_what_is_missing(clean_env,
                                                                           missing):
    for name, value in SSO.items():
        if name != missing:
            clean_env.setenv(name, value)
    with pytest.raises(SettingsError, match=f"single sign-on needs {missing} as well"):
        create_app({"SECRET_KEY": "x"})


@pytest.mark.parametrize(("name", "value", "message"), [
    ("SCORECARDS_OIDC_ROLE_GROUPS", '{"staff": ["interviewer", "boss"]}',
     "group 'staff' maps to 'boss', which is no role; the roles are interviewer, committee"),
    ("SCORECARDS_OIDC_ROLE_GROUPS", '["interviewer"]', "valid dictionary"),
    ("SCORECARDS_OIDC_ISSUER", "login.example.com", "expected the provider's issuer URL"),
    ("SCORECARDS_OIDC_SCOPES", '["email"]', 'includes "openid"'),
    ("SCORECARDS_OIDC_REDIRECT_URI", "https://scorecards.example.com/",
     "expected https://YOUR-HOST/sign-in/sso/callback"),
    ("SCORECARDS_OIDC_ALLOWED_DOMAINS", '["ana@example.com"]', "expected email domains"),
])
def test_a_bad_single_sign_on_setting_is_named(clean_env, name, value, message):
    for setting, given in {**SSO, name: value}.items():
        clean_env.setenv(setting, given)
    with pytest.raises(SettingsError, match=f"{name}=") as raised:
        create_app({"SECRET_KEY": "x"})
    assert message in str(raised.value)


def test_password_sign_in_cannot_be_turned_off_without_single_sign_on(clean_env):
    clean_env.setenv("SCORECARDS_PASSWORD_SIGN_IN", "false")
    with pytest.raises(SettingsError, match="nobody could sign in"):
        create_app({"SECRET_KEY": "x"})


def _flask(*args, **env):
    base = {key: value for key, value in os.environ.items()
            if not key.startswith("SCORECARDS_") and key not in ("DATABASE_URL", "REDIS_URL")}
    return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT,
                          env={**base, "SECRET_KEY": "x", **env}, capture_output=True,
                          text=True, timeout=60, check=False)


def test_the_command_line_stops_on_a_bad_setting_without_a_traceback():
    result = _flask("routes", SCORECARDS_RETENTION_MONTHS="abc")
    assert result.returncode != 0
    assert "SCORECARDS_RETENTION_MONTHS='abc' is not valid: expected a whole number" in \
        result.stderr
    assert "Traceback" not in result.stderr

