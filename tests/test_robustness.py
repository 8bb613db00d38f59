"""Hostile input gets a clean answer that says what is wrong, never a server error."""

from __future__ import annotations

import io
import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scorecards.api.services import issue_token
from scorecards.core.vocabulary import Role
from scorecards.paging import MAX_ID
from scorecards.requests import digits_up_to

PROBLEM_JSON = "application/problem+json"
ALL_ROLES = (Role.INTERVIEWER, Role.COMMITTEE, Role.HR, Role.ADMIN)
TOO_BIG = (2**31, 2**63, 10**20)


@pytest.fixture
def everyone(make_user, sign_in):
    """Sign the client in as a user holding every role."""
    return sign_in(make_user(*ALL_ROLES))


@pytest.fixture
def api_headers(make_user) -> dict:
    """Return the headers of an API call by a user holding every role."""
    return {"Authorization": f"Bearer {issue_token(make_user(*ALL_ROLES), 'robustness')}"}


def _id_routes(app, prefix: str) -> list[tuple[str, str]]:
    """Return (method, path template) of every route with an id in its path."""
    found = []
    for rule in app.url_map.iter_rules():
        if "<int:" not in rule.rule or not rule.rule.startswith(prefix):
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((method, rule.rule))
    return found


def _with_id(template: str, value: int) -> str:
    return re.sub(r"<int:\w+>", str(value), template)


def test_every_page_id_beyond_the_database_range_is_a_404(app, everyone):
    routes = [r for r in _id_routes(app, "/") if not r[1].startswith("/api/")]
    assert len(routes) >= 15
    for method, template in routes:
        for value in TOO_BIG:
            response = everyone.open(_with_id(template, value), method=method)
            assert response.status_code == 404, (method, template, value)
            assert b"There is nothing here" in response.data


def test_every_api_id_beyond_the_database_range_is_a_problem_404(app, client, api_headers):
    routes = _id_routes(app, "/api/")
    assert len(routes) >= 10
    for method, template in routes:
        response = client.open(_with_id(template, 2**31), method=method, headers=api_headers,
                               json={})
        assert response.status_code == 404, (method, template)
        assert response.content_type == PROBLEM_JSON


@pytest.mark.parametrize("page", ["99999999999999999999", "-99999999999999999999", "0", "x"])
def test_page_numbers_out_of_range_show_a_page(app, everyone, make_application, page):
    make_application()
    for path in ("/interviews", "/hr/openings/test-opening"):
        response = everyone.get(path, query_string={"page": page})
        assert response.status_code == 200, path


@pytest.mark.parametrize("path", [
    "/hr/openings/a%00b", "/interviews?page=1%00", "/hr/openings/test-opening?status=%00",
    "/committee/decided?after=%00", "/hr/exports/applications.csv?opening=%00",
    "/interviews?%00=1",
])
def test_nul_in_a_path_or_query_is_refused_with_a_400_page(app, everyone, make_application,
                                                           path):
    make_application()
    response = everyone.get(path)
    assert response.status_code == 400
    assert b"NUL" in response.data
    assert response.content_type.startswith("text/html")


def test_nul_in_a_form_to_a_page_without_a_form_is_refused_too(app, everyone):
    response = everyone.post("/hr/openings", data={"title": "a\x00b"})
    assert response.status_code == 400


@pytest.mark.parametrize("path", ["/api/v1/applications?opening=%00",
                                  "/api/v1/applications?status=a%00", "/api/v1/op%00enings"])
def test_nul_in_an_api_query_is_a_problem_400(app, client, api_headers, path):
    response = client.get(path, headers=api_headers)
    assert response.status_code == 400
    assert response.content_type == PROBLEM_JSON
    assert "NUL" in response.json["detail"]


def test_nul_in_an_api_body_is_a_422_naming_the_field(app, client, api_headers):
    body = {"key": "robust", "title": "a\x00b", "loop": "test-loop"}
    response = client.post("/api/v1/openings", json=body, headers=api_headers)
    assert response.status_code == 422
    assert response.content_type == PROBLEM_JSON
    assert [e["field"] for e in response.json["errors"]] == ["title"]


@pytest.mark.parametrize("text", ["\ud800", "x\udfff"])
def test_unpaired_surrogates_in_an_api_body_are_a_problem_400(app, client, api_headers, text):
    body = json.dumps({"key": "robust", "title": text, "loop": "test-loop"})
    response = client.post("/api/v1/openings", data=body, headers=api_headers,
                           content_type="application/json")
    assert response.status_code == 400
    assert response.content_type == PROBLEM_JSON


@pytest.mark.parametrize("until", ["9999-12-31", "0001-01-01", "3000-01-01"])
def test_export_dates_out_of_range_are_refused_before_streaming(app, everyone, until):
    response = everyone.get("/hr/exports/applications.csv", query_string={"until": until})
    assert response.status_code == 400
    assert b"between" in response.data


def test_export_dates_out_of_range_are_refused_by_the_export_form(app, everyone):
    response = everyone.post("/hr/exports/", data={"kind": "applications", "format": "csv",
                                                   "since": "9999-12-31"})
    assert response.status_code == 400


@pytest.mark.parametrize("name", ["since", "until"])
def test_api_export_dates_out_of_range_are_refused(app, client, api_headers, name):
    response = client.get("/api/v1/exports/applications", headers=api_headers,
                          query_string={name: "9999-12-31"})
    assert response.status_code == 400
    assert response.content_type == PROBLEM_JSON


def test_a_file_posted_to_a_scorecard_is_refused_with_a_415(app, panel, sign_in):
    ana, _, mine, _ = panel
    client = sign_in(ana)
    for path in (f"/scorecards/{mine.id}", f"/scorecards/{mine.id}/draft"):
        response = client.post(path, data={"version": "1", "action": "save",
                                           "file": (io.BytesIO(b"x"), "a.txt")},
                               content_type="multipart/form-data")
        assert response.status_code == 415, path
        assert b"Nothing here takes files" in response.data


@pytest.mark.parametrize("body", [b"x", b"--zz\r\nbroken", b"--zz--\r\n"])
def test_a_broken_multipart_post_to_a_scorecard_is_a_400(app, panel, sign_in, body):
    ana, _, mine, _ = panel
    client = sign_in(ana)
    for path in (f"/scorecards/{mine.id}", f"/scorecards/{mine.id}/draft"):
        response = client.post(path, data=body, content_type="multipart/form-data; boundary=zz")
        assert response.status_code == 400, path


def test_a_file_posted_to_the_api_is_a_problem_415(app, client, api_headers):
    response = client.post("/api/v1/openings", headers=api_headers,
                           data={"file": (io.BytesIO(b"x"), "a.txt")},
                           content_type="multipart/form-data")
    assert response.status_code == 415
    assert response.content_type == PROBLEM_JSON


@given(st.integers(min_value=0, max_value=10**12))
def test_the_id_pattern_matches_exactly_the_numbers_up_to_its_limit(number):
    for limit in (7, 10, 2070, MAX_ID):
        assert bool(re.fullmatch(digits_up_to(limit), str(number))) == (number <= limit)
