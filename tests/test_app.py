"""The app factory, settings, error pages and response headers."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from scorecards import create_app
from scorecards.config import _instance_secret, _normalise_url


def test_config_overrides_reach_the_app(app):
    assert app.config["TESTING"] is True
    assert app.config["SECRET_KEY"] == "test-secret-key"


def test_the_default_database_is_sqlite_in_the_instance_folder(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"SECRET_KEY": "x"})
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    assert uri == f"sqlite:///{app.instance_path}/scorecards.db"


def test_database_url_switches_to_postgresql(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db.internal:5432/scorecards")
    app = create_app({"SECRET_KEY": "x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == \
        "postgresql+psycopg://u@db.internal:5432/scorecards"


@pytest.mark.parametrize(("url", "expected"), [
    ("postgresql://a@b/c", "postgresql+psycopg://a@b/c"),
    ("postgresql+psycopg://a@b/c", "postgresql+psycopg://a@b/c"),
    ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
])
def test_database_urls_are_normalised_for_psycopg(url, expected):
    assert _normalise_url(url) == expected


def test_prefixed_environment_settings_are_read(monkeypatch):
    monkeypatch.setenv("SCORECARDS_SESSION_COOKIE_SECURE", "true")
    app = create_app({"SECRET_KEY": "x"})
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_the_secret_key_is_generated_once_and_kept_private(tmp_path):
    first = _instance_secret(tmp_path / "instance")
    second = _instance_secret(tmp_path / "instance")
    assert first == second
    assert len(first) == 64
    mode = stat.S_IMODE(os.stat(tmp_path / "instance" / "secret_key").st_mode)
    assert mode == 0o600


def test_an_unknown_url_is_a_404_page(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert b"There is nothing here" in response.data
    assert b"Traceback" not in response.data


def test_a_wrong_method_is_a_405_page_with_allow(client):
    response = client.delete("/sign-in")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    assert b"does not accept that kind of request" in response.data


def test_pages_carry_security_headers(client):
    response = client.get("/sign-in")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_a_crash_is_a_plain_500_page(config):
    app = create_app({**config, "TESTING": False, "PROPAGATE_EXCEPTIONS": False})

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret detail")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.data
    assert b"secret detail" not in response.data


def test_form_text_with_a_nul_character_is_refused_with_a_message(panel, sign_in):
    ana, _, mine, _ = panel
    response = sign_in(ana).post(f"/scorecards/{mine.id}", data={
        "version": "1", "action": "save", "takeaways": "before\x00after"})
    assert response.status_code == 400
    assert "NUL character" in response.text


def test_the_served_app_sets_its_long_lived_objects_aside_from_the_garbage_collector(tmp_path):
    """wsgi.py freezes what the app holds once built, so no full collection walks it again."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("SCORECARDS_") and key not in ("DATABASE_URL", "REDIS_URL")}
    probe = ("import gc; before = gc.get_freeze_count(); import wsgi; "
             "print(before, gc.get_freeze_count())")
    result = subprocess.run([sys.executable, "-c", probe], cwd=Path(__file__).parents[1],
                            env={**env, "SECRET_KEY": "x",
                                 "DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}"},
                            capture_output=True, text=True, timeout=60, check=True)
    before, after = map(int, result.stdout.split())
    assert before == 0
    assert after > 50_000  # the app's objects, not a handful
