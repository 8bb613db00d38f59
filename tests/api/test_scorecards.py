"""Scorecards through the API: read, save a draft, submit; independent scoring holds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from scorecards.core.vocabulary import Role
from scorecards.extensions import db
from tests.api.conftest import COMPLETE, assert_problem


def _draft(version: int = 1, ratings: dict | None = None, **fields) -> dict:
    return {"version": version, "ratings": COMPLETE if ratings is None else ratings,
            "recommendation": "hire", "takeaways": "Clear thinker.",
            "private_note": "Knows someone on the team.", **fields}


@pytest.fixture
def ana_api(panel, as_user):
    """Return an API client of Ana, who sits on the panel."""
    return as_user(panel[0])


def _submit_as(caller, scorecard_id: int, draft: dict | None = None) -> dict:
    saved = caller.put(f"/api/v1/scorecards/{scorecard_id}", json=draft or _draft())
    assert saved.status_code == 200, saved.get_json()
    version = saved.get_json()["version"]
    response = caller.post(f"/api/v1/scorecards/{scorecard_id}/submit",
                           json={"version": version})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_the_author_reads_a_new_scorecard(panel, ana_api):
    _, _, mine, _ = panel
    scorecard = ana_api.get(f"/api/v1/scorecards/{mine.id}").get_json()
    assert (scorecard["status"], scorecard["version"], scorecard["ratings"]) == \
        ("not_started", 1, {})
    assert (scorecard["rubric"], scorecard["stage"]) == ("test-coding", "coding")
    assert scorecard["private_note"] == ""


def test_saving_a_draft_answers_the_new_version_and_keeps_every_answer(panel, ana_api):
    _, _, mine, _ = panel
    ratings = {**COMPLETE, "testing": {"score": None, "evidence": "No time left."}}
    response = ana_api.put(f"/api/v1/scorecards/{mine.id}", json=_draft(ratings=ratings))
    assert response.status_code == 200
    assert response.get_json()["version"] == 2
    assert response.get_json()["status"] == "draft"
    scorecard = ana_api.get(f"/api/v1/scorecards/{mine.id}").get_json()
    assert scorecard["version"] == 2
    assert scorecard["ratings"]["approach"] == {"score": 4, "not_assessed": False,
                                                "evidence": "Compared a heap with sorting."}
    assert scorecard["ratings"]["testing"] == {"score": None, "not_assessed": True,
                                               "evidence": "No time left."}
    assert (scorecard["recommendation"], scorecard["takeaways"]) == ("hire", "Clear thinker.")


def test_an_omitted_competency_is_unanswered_and_a_partial_draft_saves(panel, ana_api):
    _, _, mine, _ = panel
    draft = {"version": 1, "ratings": {"code": {"score": 2, "evidence": ""}}}
    assert ana_api.put(f"/api/v1/scorecards/{mine.id}", json=draft).status_code == 200
    ratings = ana_api.get(f"/api/v1/scorecards/{mine.id}").get_json()["ratings"]
    assert list(ratings) == ["code"]


def test_unknown_competencies_are_422_naming_them(panel, ana_api):
    _, _, mine, _ = panel
    ratings = {**COMPLETE, "charisma": {"score": 4, "evidence": ""}, "luck": {"score": 1}}
    response = ana_api.put(f"/api/v1/scorecards/{mine.id}", json=_draft(ratings=ratings))
    problem = assert_problem(response, 422, "ratings.charisma", "ratings.luck")
    assert "charisma, luck" in problem["detail"]


@pytest.mark.parametrize(("change", "field"), [
    ({"ratings": {"code": {"score": 5, "evidence": ""}}}, "ratings.code.score"),
    ({"ratings": {"code": {"evidence": "no score key"}}}, "ratings.code.score"),
    ({"recommendation": "maybe"}, "recommendation"),
    ({"version": "one"}, "version"),
    ({"takeaways": "x\x00y"}, "takeaways"),
    ({"mood": "good"}, "mood"),
])
def test_a_malformed_draft_is_422_naming_the_field(panel, ana_api, change, field):
    _, _, mine, _ = panel
    assert_problem(ana_api.put(f"/api/v1/scorecards/{mine.id}", json=_draft(**change)), 422,
                   field)


def test_a_save_from_a_stale_version_is_409_with_the_current_version(panel, ana_api):
    _, _, mine, _ = panel
    ana_api.put(f"/api/v1/scorecards/{mine.id}", json=_draft())
    response = ana_api.put(f"/api/v1/scorecards/{mine.id}", json=_draft(takeaways="Other tab."))
    problem = assert_problem(response, 409)
    assert problem["current_version"] == 2
    assert problem["type"] == "urn:scorecards:problem:stale-scorecard"
    db.session.expire_all()
    assert mine.takeaways == "Clear thinker."


def test_submitting_answers_200_and_submitting_again_changes_nothing(panel, ana_api):
    _, _, mine, _ = panel
    first = _submit_as(ana_api, mine.id)
    assert (first["status"], first["repeated"]) == ("submitted", False)
    again = ana_api.post(f"/api/v1/scorecards/{mine.id}/submit", json={"version": 2})
    assert again.status_code == 200
    assert again.get_json()["repeated"] is True
    assert again.get_json()["version"] == first["version"]


def test_a_scorecard_that_may_not_be_submitted_is_422_with_each_problem(panel, ana_api):
    _, _, mine, _ = panel
    ratings = {"understanding": {"score": 4, "evidence": ""}}
    ana_api.put(f"/api/v1/scorecards/{mine.id}", json=_draft(ratings=ratings,
                                                             recommendation=None))
    response = ana_api.post(f"/api/v1/scorecards/{mine.id}/submit", json={"version": 2})
    problem = assert_problem(response, 422, "understanding.evidence", "approach.score",
                             "code.score", "recommendation")
    assert problem["type"] == "urn:scorecards:problem:not-submittable"
    assert "needs evidence" in {e["field"]: e["message"] for e in problem["errors"]}[
        "understanding.evidence"]
    db.session.expire_all()
    assert mine.status == "draft"
    assert problem["current_version"] == mine.version


def test_warnings_hold_a_submission_until_confirmed(panel, ana_api):
    _, _, mine, _ = panel
    low = {key: {"score": 1, "evidence": "Struggled."} for key in COMPLETE}
    ana_api.put(f"/api/v1/scorecards/{mine.id}",
                json=_draft(ratings=low, recommendation="strong_hire"))
    held = ana_api.post(f"/api/v1/scorecards/{mine.id}/submit", json={"version": 2})
    problem = assert_problem(held, 422)
    assert "strong hire" in problem["warnings"][0]
    confirmed = ana_api.post(f"/api/v1/scorecards/{mine.id}/submit", json={
        "version": problem["current_version"], "confirm_warnings": True})
    assert confirmed.status_code == 200
    assert confirmed.get_json()["status"] == "submitted"


def test_a_submit_before_the_interview_starts_is_409_naming_the_times(panel, ana_api):
    _, _, mine, _ = panel
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=3)
    mine.interview.scheduled_at = starts
    db.session.commit()
    ana_api.put(f"/api/v1/scorecards/{mine.id}", json=_draft())
    response = ana_api.post(f"/api/v1/scorecards/{mine.id}/submit", json={"version": 2})
    problem = assert_problem(response, 409)
    assert problem["type"] == "urn:scorecards:problem:submission-not-open"
    opens = starts - timedelta(minutes=15)
    assert datetime.fromisoformat(problem["interview_starts_at"]) == starts
    assert datetime.fromisoformat(problem["submission_opens_at"]) == opens
    assert f"{opens:%H:%M} UTC" in problem["detail"]
    assert problem["current_version"] == 2
    scorecard = ana_api.get(f"/api/v1/scorecards/{mine.id}").get_json()
    assert (scorecard["status"], scorecard["version"], scorecard["submitted_at"]) == \
        ("draft", 2, None)


@pytest.mark.parametrize("starts_in", [timedelta(minutes=14), timedelta(hours=-2)])
def test_a_submit_within_the_margin_or_after_the_start_is_200(panel, ana_api, starts_in):
    _, _, mine, _ = panel
    mine.interview.scheduled_at = datetime.now(UTC) + starts_in
    db.session.commit()
    assert _submit_as(ana_api, mine.id)["status"] == "submitted"


def test_the_document_declares_the_times_of_a_submit_refused_as_too_early(client):
    document = client.get("/api/v1/openapi.json").get_json()
    submit = document["paths"]["/api/v1/scorecards/{scorecard_id}/submit"]["post"]
    assert "409" in submit["responses"]
    assert "interview_starts_at" in submit["description"]
    problem = document["components"]["schemas"]["Problem"]["properties"]
    assert {"interview_starts_at", "submission_opens_at"} <= problem.keys()


def test_a_stale_submit_is_409(panel, ana_api):
    _, _, mine, _ = panel
    ana_api.put(f"/api/v1/scorecards/{mine.id}", json=_draft())
    response = ana_api.post(f"/api/v1/scorecards/{mine.id}/submit", json={"version": 1})
    assert assert_problem(response, 409)["current_version"] == 2


def test_a_draft_cannot_be_saved_over_a_submitted_scorecard(panel, ana_api):
    _, _, mine, _ = panel
    done = _submit_as(ana_api, mine.id)
    response = ana_api.put(f"/api/v1/scorecards/{mine.id}", json=_draft(done["version"]))
    assert_problem(response, 409)


def test_a_co_panelists_scorecard_is_404_until_ones_own_is_submitted(panel, as_user):
    ana, ben, mine, theirs = panel
    ana_api, ben_api = as_user(ana), as_user(ben)
    _submit_as(ben_api, theirs.id)
    assert_problem(ana_api.get(f"/api/v1/scorecards/{theirs.id}"), 404)
    _submit_as(ana_api, mine.id)
    seen = ana_api.get(f"/api/v1/scorecards/{theirs.id}")
    assert seen.status_code == 200
    assert seen.get_json()["private_note"] is None  # the committee's to read, not Ana's


def test_nobody_but_the_author_saves_or_submits(panel, make_user, as_user):
    _, ben, mine, _ = panel
    for caller in (as_user(ben), as_user(make_user(Role.HR)), as_user(make_user(Role.ADMIN))):
        assert_problem(caller.put(f"/api/v1/scorecards/{mine.id}", json=_draft()), 404)
        assert_problem(caller.post(f"/api/v1/scorecards/{mine.id}/submit",
                                   json={"version": 1}), 404)


def test_the_committee_reads_the_private_note_and_hr_does_not(panel, ana_api, make_user,
                                                              as_user):
    _, _, mine, _ = panel
    _submit_as(ana_api, mine.id)
    member = as_user(make_user(Role.COMMITTEE)).get(f"/api/v1/scorecards/{mine.id}")
    assert member.get_json()["private_note"] == "Knows someone on the team."
    hr = as_user(make_user(Role.HR)).get(f"/api/v1/scorecards/{mine.id}")
    assert hr.status_code == 200
    assert hr.get_json()["private_note"] is None


def test_an_unknown_scorecard_is_404(ana_api):
    assert_problem(ana_api.get("/api/v1/scorecards/999999"), 404)
    assert_problem(ana_api.put("/api/v1/scorecards/999999", json=_draft()), 404)
