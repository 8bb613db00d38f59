"""What the OpenAPI document promises clients, linters and code generators."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from scorecards.core.vocabulary import Role
from scorecards.timestamps import rfc3339
from tests.api.conftest import PROBLEM_JSON

RFC3339_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
FILES = [("/api/v1/applications/{application_id}/packet.pdf", ["application/pdf"]),
         ("/api/v1/exports/applications", ["text/csv", "application/x-ndjson",
                                          "application/vnd.openxmlformats-officedocument."
                                          "spreadsheetml.sheet"])]


@pytest.fixture
def document(client) -> dict:
    """Return the served document."""
    return client.get("/api/v1/openapi.json").get_json()


def test_the_document_names_its_server_contact_licence_and_every_tag(document):
    assert document["servers"] == [{"url": "/", "description": document["servers"][0][
        "description"]}]
    assert document["info"]["contact"]["name"]
    assert document["info"]["license"]["identifier"]
    declared = [tag["name"] for tag in document["tags"]]
    assert all(tag["description"] for tag in document["tags"])
    used = {operation["tags"][0] for methods in document["paths"].values()
            for operation in methods.values()}
    assert used == set(declared)
    for methods in document["paths"].values():
        for operation in methods.values():
            assert len(operation["tags"]) == 1


def test_an_operation_with_an_undeclared_tag_is_refused_when_declared():
    from flask import Blueprint

    from scorecards.api.openapi import Api

    api = Api(Blueprint("probe", __name__), title="t", version="1", tags={"known": "Known."})
    with pytest.raises(ValueError, match="'unknown'"):
        api.operation("GET", "/x", summary="X", tag="unknown", answers={204: None})


@pytest.mark.parametrize(("path", "types"), FILES)
def test_file_answers_offer_octet_stream_first_then_their_own_types(document, path, types):
    content = document["paths"][path]["get"]["responses"]["200"]["content"]
    # Generators take the first type they know: bytes, before a text type read as text.
    assert list(content)[0] == "application/octet-stream"
    assert set(content) == {"application/octet-stream", *types}
    assert all(media["schema"] == {"type": "string", "format": "binary"}
               for media in content.values())


def test_the_duplicate_email_conflict_is_declared_with_its_candidate_id(document):
    conflict = document["paths"]["/api/v1/candidates"]["post"]["responses"]["409"]
    assert conflict["content"][PROBLEM_JSON]["schema"] == {
        "$ref": "#/components/schemas/CandidateConflict"}
    schema = document["components"]["schemas"]["CandidateConflict"]
    assert "candidate_id" in schema["required"]
    assert set(document["components"]["schemas"]["Problem"]["properties"]) < set(
        schema["properties"])


def test_the_duplicate_email_answer_matches_its_declaration(hr):
    first = hr.post("/api/v1/candidates", json={"name": "Åsa Söderström",
                                                 "email": "asa@example.org"}).get_json()
    again = hr.post("/api/v1/candidates", json={"name": "Åsa", "email": "ASA@example.org"})
    assert again.status_code == 409
    assert again.mimetype == PROBLEM_JSON
    assert again.get_json()["candidate_id"] == first["id"]


def test_every_time_answered_is_described_as_rfc3339_utc(document):
    bodies = {media["schema"]["$ref"].rpartition("/")[2]
              for methods in document["paths"].values() for operation in methods.values()
              for media in operation.get("requestBody", {}).get("content", {}).values()}
    times = [prop for name, schema in document["components"]["schemas"].items()
             if name not in bodies for prop in schema.get("properties", {}).values()
             if "date-time" in str(prop)]
    assert len(times) > 10
    for prop in times:
        described = next(option for option in prop.get("anyOf", [prop])
                         if option.get("format") == "date-time")
        assert "RFC 3339 in UTC with Z" in described["description"], prop


def _times(value):
    if isinstance(value, dict):
        for key, item in value.items():
            if key.endswith("_at") or key == "moved_from":
                yield item
            else:
                yield from _times(item)
    elif isinstance(value, list):
        for item in value:
            yield from _times(item)


def test_every_time_in_an_answer_is_rfc3339_in_utc_with_whole_seconds(
        hr, ready, make_user, as_user):
    hr.post("/api/v1/openings", json={"key": "second-opening", "title": "Second",
                                      "loop": "test-loop"})
    candidate = hr.post("/api/v1/candidates", json={"name": "Åsa Söderström"}).get_json()
    application = hr.post("/api/v1/applications", json={
        "candidate_id": candidate["id"], "opening": "second-opening", "source": "applied",
        "applied_at": "2026-03-01T14:00:00.123456+01:00"}).get_json()
    assert application["applied_at"] == "2026-03-01T13:00:00Z"
    member = as_user(make_user(Role.COMMITTEE))
    decision = member.post(f"/api/v1/applications/{ready.id}/decision", json={
        "final_outcome": "hire", "rationale": "Consistent evidence across the panel."})
    answers = [candidate, application, decision.get_json(),
               hr.get("/api/v1/openings").get_json(),
               hr.get(f"/api/v1/applications/{ready.id}").get_json(),
               hr.get("/api/v1/applications").get_json(),
               hr.get("/api/v1/rubrics/test-coding").get_json()]
    found = [time for answer in answers for time in _times(answer) if time is not None]
    assert len(found) >= 10
    assert all(RFC3339_UTC.match(time) for time in found), found


def test_the_one_time_format_cuts_to_whole_seconds_in_utc():
    from datetime import timedelta, timezone

    paris = timezone(timedelta(hours=1))
    assert rfc3339(datetime(2026, 10, 14, 5, 42, 8, 999_999, tzinfo=paris)) == \
        "2026-10-14T04:42:08Z"
    assert rfc3339(datetime(2026, 10, 14, 4, 42, 8)) == "2026-10-14T04:42:08Z"  # naive: UTC
    assert rfc3339(datetime(999, 1, 2, tzinfo=UTC)) == "0999-01-02T00:00:00Z"


def test_a_file_is_sent_as_octet_stream_to_a_client_that_asks_for_it(hr, ready, make_user,
                                                                      as_user):
    member = as_user(make_user(Role.COMMITTEE))
    pdf = member.get(f"/api/v1/applications/{ready.id}/packet.pdf")
    assert pdf.mimetype == "application/pdf"
    raw = member.get(f"/api/v1/applications/{ready.id}/packet.pdf",
                     headers={"Accept": "application/octet-stream"})
    assert raw.mimetype == "application/octet-stream"
    assert raw.data == pdf.data
    csv = hr.get("/api/v1/exports/ratings?format=csv", headers={"Accept": "*/*"})
    assert csv.headers["Content-Type"] == "text/csv; charset=utf-8"
