"""Every error of the API is an RFC 9457 problem; the OpenAPI document comes from the code."""

from __future__ import annotations

import re

import pytest

from scorecards.api.views import api
from scorecards.core.vocabulary import Role
from tests.api.conftest import PROBLEM_JSON, assert_problem


def test_an_unknown_path_under_the_api_is_a_404_problem(hr):
    assert_problem(hr.get("/api/v1/nothing-here"), 404)
    assert_problem(hr.get("/api/v1/applications/-3"), 404)


def test_pages_outside_the_api_keep_their_html_error_pages(client, app):
    response = client.get("/nothing-here")
    assert response.status_code == 404
    assert response.mimetype == "text/html"


def test_a_wrong_method_is_405_with_the_allowed_methods(hr):
    response = hr.delete("/api/v1/openings")
    assert_problem(response, 405)
    assert {"GET", "POST"} <= {m.strip() for m in response.headers["Allow"].split(",")}


def test_a_body_that_is_not_json_is_415_and_broken_json_is_400(hr):
    assert_problem(hr.post("/api/v1/candidates", data="name=Ada",
                           content_type="application/x-www-form-urlencoded"), 415)
    assert_problem(hr.post("/api/v1/candidates", data="{name: Ada",
                           content_type="application/json"), 400)
    assert_problem(hr.post("/api/v1/candidates", json=["Ada"]), 400)


def test_validation_problems_list_every_field_with_a_message(hr):
    response = hr.post("/api/v1/candidates", json={"email": 7, "nickname": "Ada"})
    problem = assert_problem(response, 422, "name", "email", "nickname")
    assert problem["type"] == "urn:scorecards:problem:invalid-request"
    assert all(error["message"] and error["location"] == "body"
               for error in problem["errors"])


def test_a_body_over_the_size_limit_is_413(hr, app):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    assert_problem(hr.post("/api/v1/candidates", json={"name": "A" * 2048}), 413)


def test_a_crash_is_a_500_problem_without_a_traceback(hr, app, monkeypatch):
    from scorecards.api import services

    def broken():
        raise RuntimeError("secret internals")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    monkeypatch.setattr(services, "openings", broken)
    response = hr.get("/api/v1/openings")
    problem = assert_problem(response, 500)
    assert "secret internals" not in response.get_data(as_text=True)
    assert problem["title"] == "Internal Server Error"


def test_the_openapi_document_is_served_without_a_token(client, app):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"].startswith("3.1")
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


# What describes the API rather than being part of it: the document and its reference page.
DOCUMENTS = {"api.openapi", "api.docs", "api.docs_asset"}


def test_the_document_describes_every_api_route_and_nothing_else(client, app):
    document = client.get("/api/v1/openapi.json").get_json()
    described = {(path, method.upper()) for path, methods in document["paths"].items()
                 for method in methods}
    routed = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api.") and rule.endpoint not in DOCUMENTS:
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
            routed |= {(path, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert described == routed


def test_the_document_takes_its_schemas_from_the_models(client, app):
    from scorecards.api.schemas import ScorecardDraft

    document = client.get("/api/v1/openapi.json").get_json()
    put = document["paths"]["/api/v1/scorecards/{scorecard_id}"]["put"]
    assert put["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ScorecardDraft"}
    schema = document["components"]["schemas"]["ScorecardDraft"]
    assert set(schema["properties"]) == set(ScorecardDraft.model_fields)
    assert schema["additionalProperties"] is False
    assert {"409", "422", "401", "404"} <= set(put["responses"])
    assert PROBLEM_JSON in put["responses"]["409"]["content"]


@pytest.mark.parametrize("operation", api.operations, ids=lambda op: op.endpoint)
def test_every_operation_declares_its_problems(operation):
    assert 401 in operation.problems
    assert 404 in operation.problems
    if operation.body is not None:
        assert {400, 413, 415, 422} <= set(operation.problems)


def test_problems_never_set_a_session_cookie(make_user, as_user):
    response = as_user(make_user(Role.HR)).get("/api/v1/openings")
    assert "Set-Cookie" not in response.headers
