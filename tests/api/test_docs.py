"""The API reference page at /api/v1/docs: Swagger UI from its package, under the site's CSP."""

from __future__ import annotations

import re

import pytest

from scorecards.security import CONTENT_SECURITY_POLICY


def test_the_reference_page_loads_swagger_ui_from_the_app_under_the_sites_policy(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assert page.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    html = page.text
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources
    assert all(source.startswith("/") for source in sources), sources  # no CDN
    assert "<script>" not in html  # every script is a file: script-src 'self' holds
    assert 'data-url="/api/v1/openapi.json"' in html
    for source in sources:
        assert client.get(source, buffered=True).status_code == 200, source


@pytest.mark.parametrize(("name", "starts"), [("swagger-ui-bundle.js", b""),
                                               ("swagger-ui.css", b""),
                                               ("LICENSE", b"Copyright")])
def test_swagger_uis_files_come_from_the_installed_package(client, name, starts):
    answer = client.get(f"/api/v1/docs/assets/{name}", buffered=True)
    assert answer.status_code == 200
    assert answer.data.startswith(starts)
    assert "max-age" in answer.headers["Cache-Control"]


@pytest.mark.parametrize("name", ["index.html", "oauth2-redirect.html", "..%2Fflask_swagger_ui.py",
                                  "VERSION"])
def test_only_the_files_the_page_needs_are_served(client, name):
    assert client.get(f"/api/v1/docs/assets/{name}").status_code == 404
