"""Rubrics through the API: the scale, the competencies and their anchors, by version."""

from __future__ import annotations

import pytest

from scorecards.catalog.services import latest_rubric_version, rubric_of
from scorecards.extensions import db
from scorecards.models import RubricVersion
from tests.api.conftest import assert_problem


@pytest.fixture
def interviewer(make_user, as_user):
    """Return an API client of an interviewer: any token reads rubrics."""
    return as_user(make_user())


def test_the_current_rubric_gives_its_competencies_scale_and_anchors(catalog, interviewer):
    response = interviewer.get("/api/v1/rubrics/test-coding")
    assert response.status_code == 200, response.get_json()
    rubric = response.get_json()
    stored = latest_rubric_version("test-coding")
    parsed = rubric_of(stored)
    assert (rubric["key"], rubric["version"], rubric["current_version"]) == (
        "test-coding", stored.version, stored.version)
    assert rubric["title"] == "Coding exercise"
    assert [level["score"] for level in rubric["scale"]] == [1, 2, 3, 4]
    assert rubric["scale"][2] == {"score": 3, "label": "Meets the bar",
                                  "meaning": "Clear evidence at the level the role needs."}
    assert [c["key"] for c in rubric["competencies"]] == [c.key for c in parsed.competencies]
    approach = next(c for c in rubric["competencies"] if c["key"] == "approach")
    assert (approach["weight"], approach["must_pass"], approach["required"]) == (2, 2.5, True)
    assert [a["score"] for a in approach["anchors"]] == [1, 2, 3, 4]
    assert approach["anchors"][3]["behaviour"].startswith("Derived an optimal approach")
    testing = next(c for c in rubric["competencies"] if c["key"] == "testing")
    assert testing["required"] is False
    assert rubric["created_at"].endswith("Z")


def test_an_older_version_is_read_by_its_number_and_names_the_current_one(catalog,
                                                                         interviewer):
    first = latest_rubric_version("test-coding")
    newer = RubricVersion(key="test-coding", version=first.version + 1,
                          content_hash="0" * 64, title="Coding exercise, revised",
                          document={**first.document, "title": "Coding exercise, revised"})
    db.session.add(newer)
    db.session.commit()
    current = interviewer.get("/api/v1/rubrics/test-coding").get_json()
    assert (current["version"], current["title"]) == (newer.version, "Coding exercise, revised")
    old = interviewer.get(f"/api/v1/rubrics/test-coding/versions/{first.version}").get_json()
    assert (old["version"], old["current_version"], old["title"]) == (
        first.version, newer.version, "Coding exercise")


def test_a_scorecard_names_the_rubric_version_whose_keys_it_is_rated_by(
        catalog, make_interview, make_user, as_user):
    ana = make_user()
    (scorecard,) = make_interview(panel=[ana]).scorecards
    client = as_user(ana)
    card = client.get(f"/api/v1/scorecards/{scorecard.id}").get_json()
    rubric = client.get(f"/api/v1/rubrics/{card['rubric']}/versions/"
                        f"{card['rubric_version']}").get_json()
    keys = [c["key"] for c in rubric["competencies"]]
    saved = client.put(f"/api/v1/scorecards/{scorecard.id}", json={
        "version": card["version"], "ratings": {key: {"score": 3} for key in keys}})
    assert saved.status_code == 200, saved.get_json()


@pytest.mark.parametrize("path", [
    "/api/v1/rubrics/no-such-rubric",
    "/api/v1/rubrics/no-such-rubric/versions/1",
    "/api/v1/rubrics/test-coding/versions/99",
    "/api/v1/rubrics/test-coding/versions/0",
    "/api/v1/rubrics/test-coding/versions/99999999999",
])
def test_an_unknown_rubric_or_version_is_a_404_problem(catalog, interviewer, path):
    assert_problem(interviewer.get(path), 404)


def test_rubrics_need_a_token(catalog, client):
    assert_problem(client.get("/api/v1/rubrics/test-coding"), 401)
