"""The recommendation block and the policy in force, in the words the committee reads."""

from __future__ import annotations

import json

import pytest

from scorecards.core.decision import recommend
from scorecards.core.explanation import policy_terms, recommendation_block
from scorecards.core.panel import PanelScorecard
from scorecards.core.rubric import Veto
from scorecards.core.vocabulary import Outcome, Recommendation
from tests.core.test_shipped_policy import LOOP, STAGE_RUBRICS, loop_panel

STRONG_NO_HIRE = Recommendation.STRONG_NO_HIRE


def block_of(panel, loop=LOOP) -> dict:
    summary = recommend(loop, STAGE_RUBRICS, panel, with_flips=True)
    return recommendation_block(summary, loop.policy)


def test_a_borderline_outcome_names_the_score_its_interval_and_the_threshold_inside():
    block = block_of(loop_panel(3))
    assert block["outcome"] == "hire"
    assert block["borderline"] == (
        "the overall score 3.00 could be anywhere from 2.75 to 3.25 (90% interval), which "
        "includes the hire threshold 2.8.")


def test_a_clear_outcome_is_not_borderline():
    block = block_of(loop_panel(4))
    assert block["outcome"] == "strong_hire"
    assert block["borderline"] is None


def test_every_reason_is_listed_in_policy_order_with_the_decisive_one_marked():
    summary = recommend(LOOP, STAGE_RUBRICS, loop_panel(3), with_flips=True)
    block = recommendation_block(summary, LOOP.policy)
    assert [(r["message"], r["decisive"]) for r in block["reasons"]] == \
        [(r.message, r.decisive) for r in summary.reasons]
    assert [r["label"] for r in block["reasons"]] == ["Must-pass bar"] * 5 + ["Thresholds"]
    assert [r["rule"] for r in block["reasons"] if r["decisive"]] == ["threshold"]


def test_the_flips_are_the_engines_nearest_first():
    summary = recommend(LOOP, STAGE_RUBRICS, loop_panel(3), with_flips=True)
    block = recommendation_block(summary, LOOP.policy)
    assert block["flips"] == [flip.message for flip in summary.flips]
    assert block["flips"]


def test_under_a_veto_no_rating_changes_the_outcome_and_the_block_says_so():
    panel = [c if c.stage != "system-design" or c.interviewer_id % 10 else PanelScorecard(
        c.interview_id, c.stage, c.interviewer_id, STRONG_NO_HIRE, c.scores)
        for c in loop_panel(3)]
    block = block_of(panel)
    assert block["outcome"] == Outcome.NO_HIRE
    assert block["flips"] == []
    assert block["no_flips"] == "A veto settled it, which no single rating changes."
    assert block["borderline"] is None  # the threshold did not decide


def test_each_stage_carries_its_standard_error_and_where_its_spread_came_from():
    stages = block_of(loop_panel(3))["stages"]
    assert stages["hr-screen"] == {
        "error": 0.5, "source": "assumed",
        "source_words": "the policy's assumed spread (one panelist, and no past panels yet)"}
    assert stages["system-design"]["source"] == "panel and assumed"


def test_the_block_is_plain_json_ready_data():
    block = block_of(loop_panel(3))
    assert json.loads(json.dumps(block)) == block


def test_the_policy_in_force_says_every_rule_of_the_shipped_loop_in_words():
    terms = policy_terms(LOOP, STAGE_RUBRICS)
    assert terms["thresholds"][:4] == [
        "Strong hire: an overall score of 3.4 or more.", "Hire: 2.8 or more.",
        "No hire: below 2.8.", "Strong no hire: below 1.8."]
    (veto,) = terms["vetoes"]
    assert veto.startswith("One panelist recommending strong no hire at Project deep dive, ")
    assert "System design or Culture fit makes the outcome no hire, whatever the scores." in veto
    assert veto.endswith("Recommendations at HR screen do not count toward it.")
    assert "Backend case study, Reliability and operations: the panel mean must reach 2 " \
        "(set by the loop)." in terms["bars"]
    assert "System design, High-level design: the panel mean must reach 2.5 (set by the " \
        "rubric)." in terms["bars"]
    assert "at least one panelist" in terms["evidence"][1]
    assert any("counts as 3 panelists' worth" in s and "a spread of 0.5 points is assumed" in s
               for s in terms["uncertainty"])
    assert any("90% interval" in s for s in terms["uncertainty"])
    assert [s["weight"] for s in terms["stages"]] == [s.weight for s in LOOP.stages]
    assert json.loads(json.dumps(terms)) == terms


@pytest.mark.parametrize(("veto", "words"), [
    (Veto(recommendation=Recommendation.NO_HIRE, outcome=Outcome.NO_HIRE, panelists=2,
          stages=("system-design",)),
     "2 panelists recommending no hire (or further from hire) at System design make the "
     "outcome no hire, whatever the scores."),
    (Veto(recommendation=STRONG_NO_HIRE, outcome=Outcome.STRONG_NO_HIRE),
     "One panelist recommending strong no hire at any stage makes the outcome strong no "
     "hire, whatever the scores."),
])
def test_a_veto_says_how_many_panelists_of_which_stages_it_needs(veto, words):
    policy = LOOP.policy.model_copy(update={"vetoes": (veto,)})
    terms = policy_terms(LOOP.model_copy(update={"policy": policy}), STAGE_RUBRICS)
    assert terms["vetoes"][0].startswith(words)


def test_a_policy_with_more_ratings_and_calibrated_scores_says_so():
    policy = LOOP.policy.model_copy(update={"min_ratings": 2, "use_calibrated": True,
                                            "vetoes": (), "must_pass": ()})
    terms = policy_terms(LOOP.model_copy(update={"policy": policy}), STAGE_RUBRICS)
    assert "at least 2 panelists" in terms["evidence"][1]
    assert "rated by fewer than 2 panelists is never taken as passed" in terms["evidence"][2]
    assert terms["vetoes"] == ["This policy has no vetoes."]
    assert "decided on calibrated scores" in terms["thresholds"][-1]
