"""The committee through the API: the summary, the decision, the packet."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from scorecards.core.vocabulary import ApplicationStatus, Role
from scorecards.extensions import db
from scorecards.models import Decision, User
from tests.api.conftest import assert_problem

RATIONALE = "The panel saw clear, consistent evidence across every stage."


@pytest.fixture
def member(make_user, as_user):
    """Return an API client of a committee member."""
    return as_user(make_user(Role.COMMITTEE, name="Johan Berg"))


def test_the_summary_gives_outcome_scores_reasons_and_disagreements(ready, member):
    response = member.get(f"/api/v1/applications/{ready.id}/summary")
    assert response.status_code == 200
    summary = response.get_json()
    assert (summary["outcome"], summary["overall"]) == ("hire", 3.0)
    assert [stage["key"] for stage in summary["stages"]] == ["coding", "design"]
    assert [(r["rule"], r["decisive"]) for r in summary["reasons"]] == [
        ("must_pass", False), ("must_pass", False), ("must_pass", False), ("threshold", True)]
    assert any("Ben Carter 4, Chen Wei 2" in d["message"] for d in summary["disagreements"])


def test_the_summary_says_how_sure_it_is_and_what_would_flip_it(ready, member, make_user):
    summary = member.get(f"/api/v1/applications/{ready.id}/summary").get_json()
    # Coding: one panelist, no history, the policy's assumed spread 0.5 -> SE 0.5. Design:
    # 3.22 and 2.78 (sd 0.31); its rubric's only past panel is this one, so the blend is
    # the same -> SE 0.31 / sqrt(2) = 0.22. Overall: sqrt(0.5^2 + (2 * 0.22)^2) / 3 = 0.22.
    assert [(s["standard_error"], s["error_source"]) for s in summary["stages"]] == [
        (0.5, "assumed"), (0.22, "panel and history")]
    assert summary["uncertainty"] == {"standard_error": 0.22, "low": 2.63, "high": 3.37,
                                      "threshold": "hire_at", "confidence": 0.9}
    assert summary["borderline"] is True
    # Ana's coding approach at 2 would miss the must-pass bar 2.5: the only single move.
    ana = db.session.scalar(sa.select(User).where(User.name == "Ana Souza"))
    assert summary["flips"] == [{
        "stage": "coding", "competency": "approach", "interviewer_id": ana.id, "from": 3,
        "to": 2, "outcome": "no_hire",
        "message": "Coding, Approach: Ana Souza's rating 3 as 2 would make it no hire."}]


def test_hr_reads_the_summary_but_interviewers_do_not(ready, make_user, as_user):
    url = f"/api/v1/applications/{ready.id}/summary"
    assert as_user(make_user(Role.HR)).get(url).status_code == 200
    assert_problem(as_user(make_user(Role.INTERVIEWER)).get(url), 404)


def test_a_panelist_who_owes_a_scorecard_sees_no_summary(ready, make_user, make_interview,
                                                         as_user):
    member = make_user(Role.COMMITTEE, Role.INTERVIEWER)
    make_interview(ready, stage="coding", panel=[member])
    assert_problem(as_user(member).get(f"/api/v1/applications/{ready.id}/summary"), 404)


def test_an_unknown_application_has_no_summary(member):
    assert_problem(member.get("/api/v1/applications/999999/summary"), 404)


def test_the_committee_records_a_decision_beside_the_recommendation(ready, member):
    response = member.post(f"/api/v1/applications/{ready.id}/decision",
                           json={"final_outcome": "hire", "rationale": RATIONALE})
    assert response.status_code == 201, response.get_json()
    decision = response.get_json()
    assert (decision["final_outcome"], decision["recommended_outcome"]) == ("hire", "hire")
    assert decision["supersedes"] is None
    db.session.expire_all()
    assert ready.status == ApplicationStatus.DECIDED
    again = member.post(f"/api/v1/applications/{ready.id}/decision",
                        json={"final_outcome": "hold", "rationale": RATIONALE + " x" * 50})
    assert again.get_json()["supersedes"] == decision["id"]


def test_a_refused_decision_is_422_with_the_reason(ready, member):
    response = member.post(f"/api/v1/applications/{ready.id}/decision",
                           json={"final_outcome": "no_hire", "rationale": RATIONALE})
    problem = assert_problem(response, 422)
    assert "departs from the recommendation (hire)" in problem["detail"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Decision)) == 0


@pytest.mark.parametrize(("body", "field"), [
    ({"final_outcome": "maybe", "rationale": RATIONALE}, "final_outcome"),
    ({"final_outcome": "hire", "rationale": ""}, "rationale"),
    ({"rationale": RATIONALE}, "final_outcome"),
])
def test_a_malformed_decision_is_422_naming_the_field(ready, member, body, field):
    assert_problem(member.post(f"/api/v1/applications/{ready.id}/decision", json=body), 422,
                   field)


@pytest.mark.parametrize("role", [Role.HR, Role.INTERVIEWER])
def test_only_the_committee_decides(ready, make_user, as_user, role):
    caller = as_user(make_user(role))
    response = caller.post(f"/api/v1/applications/{ready.id}/decision",
                           json={"final_outcome": "hire", "rationale": RATIONALE})
    assert_problem(response, 404)


def test_the_packet_is_a_pdf_for_the_committee_and_404_for_others(ready, member, make_user,
                                                                  as_user):
    response = member.get(f"/api/v1/applications/{ready.id}/packet.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    outsider = as_user(make_user(Role.INTERVIEWER))
    assert_problem(outsider.get(f"/api/v1/applications/{ready.id}/packet.pdf"), 404)
    assert_problem(member.get("/api/v1/applications/999999/packet.pdf"), 404)
