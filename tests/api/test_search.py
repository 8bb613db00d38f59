"""GET /api/v1/candidates?q=: finding candidates through the API, paged by cursor."""

from __future__ import annotations

import pytest

from scorecards.core.vocabulary import Role
from tests.api.conftest import assert_problem


@pytest.fixture
def people(hr, catalog) -> dict[str, dict]:
    """Return three candidates added through the API, one applied to an opening."""
    assert hr.post("/api/v1/openings", json={
        "key": "backend-payments", "title": "Backend Engineer, Payments",
        "loop": "test-loop"}).status_code == 201
    added = {}
    for name, email in (("Åsa Öberg", "asa.oberg@example.org"),
                        ("Asa Lindqvist", "asa.l@example.com"),
                        ("Zoë Ng", "zoe@example.net")):
        response = hr.post("/api/v1/candidates", json={"name": name, "email": email})
        assert response.status_code == 201, response.get_json()
        added[name] = response.get_json()
    assert hr.post("/api/v1/applications", json={
        "candidate_id": added["Åsa Öberg"]["id"], "opening": "backend-payments",
        "source": "applied"}).status_code == 201
    return added


def found(client, **query) -> list[str]:
    response = client.get("/api/v1/candidates", query_string=query)
    assert response.status_code == 200, response.get_json()
    return [c["name"] for c in response.get_json()["items"]]


@pytest.mark.parametrize(("q", "names"), [
    ("ASA", ["Asa Lindqvist", "Åsa Öberg"]),
    ("åsa öb", ["Åsa Öberg"]),
    ("zoe", ["Zoë Ng"]),
    ("asa.l@example.com", ["Asa Lindqvist"]),
    ("asa.o@", []),
    ("asa.", ["Asa Lindqvist", "Åsa Öberg"]),  # the words "asa" and, as a prefix, nothing more
    ("payments", ["Åsa Öberg"]),
])
def test_hr_finds_candidates_by_name_email_or_opening(hr, people, q, names):
    assert found(hr, q=q) == names


def test_a_candidate_found_lists_their_applications(hr, people):
    response = hr.get("/api/v1/candidates", query_string={"q": "oberg"}).get_json()
    asa = people["Åsa Öberg"]
    [application] = hr.get(f"/api/v1/candidates/{asa['id']}").get_json()["applications"]
    assert response == {"items": [{
        "id": asa["id"], "name": "Åsa Öberg", "email": "asa.oberg@example.org",
        "applications": [{"id": application["id"], "opening": "backend-payments",
                          "opening_title": "Backend Engineer, Payments",
                          "status": "applied"}]}], "next_cursor": None}


def test_the_list_pages_with_a_cursor(hr, people):
    first = hr.get("/api/v1/candidates", query_string={"q": "example", "limit": 2}).get_json()
    assert [c["name"] for c in first["items"]] == ["Zoë Ng", "Asa Lindqvist"]
    last = hr.get("/api/v1/candidates", query_string={
        "q": "example", "limit": 2, "cursor": first["next_cursor"]}).get_json()
    assert last == {"items": [last["items"][0]], "next_cursor": None}
    assert last["items"][0]["name"] == "Åsa Öberg"


def test_an_erased_candidate_is_never_found(hr, people):
    asa = people["Åsa Öberg"]
    assert hr.delete(f"/api/v1/candidates/{asa['id']}").status_code == 204
    for q in ("åsa öberg", "asa.oberg@example.org", "oberg", "payments", "erased"):
        assert found(hr, q=q) == [], q


@pytest.mark.parametrize("query", [{}, {"q": ""}, {"q": "  "}, {"q": "x" * 201}, {"q": "?!"},
                                   {"q": "asa", "cursor": "nonsense"},
                                   {"q": "asa", "limit": 0}, {"q": "asa", "limit": 101}])
def test_a_query_that_cannot_be_searched_is_400_naming_the_parameter(hr, query):
    named = next((p for p in ("cursor", "limit") if p in query), "q")
    problem = assert_problem(hr.get("/api/v1/candidates", query_string=query), 400, named)
    assert all(error["location"] == "query" for error in problem["errors"])


@pytest.mark.parametrize("role", [Role.INTERVIEWER, Role.COMMITTEE])
def test_only_hr_and_admins_search(make_user, as_user, people, role):
    assert_problem(as_user(make_user(role)).get("/api/v1/candidates?q=asa"), 404)
    assert found(as_user(make_user(Role.ADMIN)), q="asa") == ["Asa Lindqvist", "Åsa Öberg"]


def test_the_document_declares_the_search_parameters(client):
    operation = client.get("/api/v1/openapi.json").get_json()["paths"]["/api/v1/candidates"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert parameters.keys() == {"q", "limit", "cursor"}
    assert parameters["q"]["required"] is True
    assert parameters["q"]["schema"]["maxLength"] == 200
    assert parameters["limit"]["schema"]["maximum"] == 100
