"""Forwarding headers count only from the configured proxies; absolute links use PUBLIC_URL."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import jsonify, request

from scorecards import create_app
from scorecards.config import SettingsError
from scorecards.proxy import external_url

ROOT = Path(__file__).parent.parent
FORWARDED = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https",
             "X-Forwarded-Host": "scorecards.example.com", "X-Forwarded-Prefix": "/hiring"}


def _seen_by(config: dict, **settings):
    """Return what a request with forwarding headers looks like to an app with these settings."""
    app = create_app({**config, **settings})

    @app.get("/_seen")
    def seen():
        return jsonify(url=request.url, remote=request.remote_addr,
                       link=external_url("interviews.scorecard", scorecard_id=7))

    client = app.test_client()
    return client.get("/_seen", headers=FORWARDED,
                      environ_base={"REMOTE_ADDR": "10.0.0.2"}).json


def test_with_one_proxy_its_forwarded_scheme_host_prefix_and_client_count(config):
    seen = _seen_by(config, PROXIES=1, PUBLIC_URL=None)
    assert seen["url"] == "https://scorecards.example.com/hiring/_seen"
    assert seen["remote"] == "203.0.113.7"
    assert seen["link"] == "https://scorecards.example.com/hiring/scorecards/7"


def test_without_proxies_forwarding_headers_are_ignored(config):
    seen = _seen_by(config, PROXIES=0, PUBLIC_URL=None)
    assert seen["url"] == "http://localhost/_seen"
    assert seen["remote"] == "10.0.0.2"
    assert seen["link"] == "http://localhost/scorecards/7"


def test_absolute_links_use_the_public_url_whatever_the_request_says(config):
    seen = _seen_by(config, PROXIES=1, PUBLIC_URL="https://jobs.example.org/scorecards/")
    assert seen["link"] == "https://jobs.example.org/scorecards/scorecards/7"


def test_a_link_outside_a_request_needs_the_public_url(config):
    app = create_app({**config, "PUBLIC_URL": None})
    with app.app_context(), pytest.raises(RuntimeError, match="Set SCORECARDS_PUBLIC_URL"):
        external_url("interviews.scorecard", scorecard_id=3)


def test_absolute_links_need_no_request_when_the_public_url_is_set(config):
    app = create_app({**config, "PUBLIC_URL": "https://jobs.example.org"})
    with app.app_context():
        assert external_url("interviews.scorecard", scorecard_id=3) == \
            "https://jobs.example.org/scorecards/3"


@pytest.mark.parametrize("value", ["jobs.example.org", "ftp://jobs.example.org",
                                   "https://jobs.example.org/?a=1"])
def test_a_public_url_that_is_not_an_address_stops_the_app(config, value):
    with pytest.raises(SettingsError, match="PUBLIC_URL"):
        create_app({**config, "PUBLIC_URL": value})


def test_the_instance_folder_is_where_the_setting_says(config, tmp_path, monkeypatch):
    monkeypatch.setenv("SCORECARDS_INSTANCE_PATH", str(tmp_path / "elsewhere"))
    app = create_app({key: value for key, value in config.items() if key != "SECRET_KEY"})
    assert app.instance_path == str(tmp_path / "elsewhere")
    assert (tmp_path / "elsewhere" / "secret_key").exists()  # the generated key went there


def test_every_absolute_link_is_built_on_the_public_url():
    # url_for(_external=True) takes whatever host a request names; external_url does not.
    offenders = [str(path.relative_to(ROOT)) for path in (ROOT / "scorecards").rglob("*.py")
                 if path.name != "proxy.py" and re.search(r"_external\s*=\s*True",
                                                          path.read_text())]
    offenders += [str(path.relative_to(ROOT)) for path in (ROOT / "templates").rglob("*.*")
                  if re.search(r"_external\s*=\s*True", path.read_text())]
    assert offenders == []
