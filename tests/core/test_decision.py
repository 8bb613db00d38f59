"""Aggregation and the decision policy: hand-checked examples, then properties."""

from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from scorecards.core.aggregation import aggregate, weighted_mean
from scorecards.core.decision import RANK, recommend
from scorecards.core.panel import PanelScorecard
from scorecards.core.rubric import Loop, Rubric
from scorecards.core.vocabulary import Outcome, Recommendation

DATA = Path(__file__).parents[1] / "data" / "rubrics"
LOOP = Loop.model_validate(yaml.safe_load((DATA / "loops/test-loop.yaml").read_text()))
RUBRICS = {
    "coding": Rubric.model_validate(yaml.safe_load((DATA / "test-coding.yaml").read_text())),
    "design": Rubric.model_validate(yaml.safe_load((DATA / "test-design.yaml").read_text())),
}
KEYS = ("understanding", "approach", "code", "testing")
HIRE, NO_HIRE = Recommendation.HIRE, Recommendation.NO_HIRE


def card(stage: str, who: int, scores, recommendation=HIRE, interview: int | None = None):
    """Return a submitted scorecard; scores are given in the order of KEYS."""
    interview = interview if interview is not None else (1 if stage == "coding" else 2)
    return PanelScorecard(interview, stage, who, recommendation, dict(zip(KEYS, scores,
                                                                          strict=False)))


def full_panel(coding=(3, 3, 3, 3), design=((3, 3, 3, 3), (3, 3, 3, 3)), recs=(HIRE,) * 3):
    return [card("coding", 1, coding, recs[0]), card("design", 2, design[0], recs[1]),
            card("design", 3, design[1], recs[2])]


def test_stage_and_overall_scores_follow_the_weights_by_hand():
    # Coding: (1*3 + 2*2 + 1.5*4 + 1*1) / 5.5 = 14 / 5.5 = 2.5454...
    # Design: means 3, 3.5, 2.5, 3 -> (3 + 7 + 3.75 + 3) / 5.5 = 16.75 / 5.5 = 3.0454...
    # Overall: (1 * 2.5454 + 2 * 3.0454) / 3 = 2.8787...
    panel = full_panel(coding=(3, 2, 4, 1), design=((3, 4, 2, 3), (3, 3, 3, 3)))
    scores = aggregate(LOOP, RUBRICS, panel)
    assert scores.stage("coding").score == pytest.approx(14 / 5.5)
    assert scores.stage("design").score == pytest.approx(16.75 / 5.5)
    assert scores.overall == pytest.approx((14 / 5.5 + 2 * 16.75 / 5.5) / 3)
    approach = scores.stage("design").competencies[1]
    assert (approach.mean, approach.low, approach.high, approach.spread, approach.count) == \
        (3.5, 3, 4, 1, 2)


def test_not_assessed_is_left_out_never_counted_as_zero():
    with_gap = aggregate(LOOP, RUBRICS, [card("coding", 1, (4, 4, 4, None))])
    assert with_gap.stage("coding").score == 4.0
    assert with_gap.stage("coding").competencies[3].count == 0
    assert with_gap.stage("coding").competencies[3].mean is None


def test_a_stage_without_scorecards_has_no_score_and_does_not_count():
    scores = aggregate(LOOP, RUBRICS, [card("coding", 1, (2, 2, 2, 2))])
    assert scores.stage("design").score is None
    assert scores.overall == 2.0


def test_a_complete_strong_panel_is_a_strong_hire_with_its_reason():
    summary = recommend(LOOP, RUBRICS, full_panel((4, 4, 4, 4), ((4, 4, 4, 4), (4, 3, 4, 4))))
    assert summary.outcome is Outcome.STRONG_HIRE
    assert [r.rule for r in summary.decisive] == ["threshold"]
    assert "at or above the strong hire threshold 3.5" in summary.decisive[0].message
    assert [r.message for r in summary.reasons if r.rule == "must_pass"] == [
        "Coding, Approach: mean 4.00 meets the must-pass bar 2.5.",
        "Design, Approach: mean 3.50 meets the must-pass bar 2.5.",
        "Design, Code quality: mean 4.00 meets the must-pass bar 2.",
    ]


def test_a_stage_short_of_its_panel_is_incomplete_and_says_which():
    summary = recommend(LOOP, RUBRICS, full_panel()[:2])
    assert summary.outcome is Outcome.INCOMPLETE
    assert [r.message for r in summary.decisive] == \
        ["Design has 1 of the 2 submitted scorecards it needs."]
    assert summary.reasons[-1].message.startswith("Overall score 3.00 so far is at or above")


def test_a_missed_must_pass_bar_caps_the_outcome_at_no_hire_with_the_numbers():
    # Design approach: mean (2 + 2) / 2 = 2.0 < 2.5, although the overall is above hire.
    panel = full_panel((4, 4, 4, 4), ((4, 2, 4, 4), (4, 2, 4, 4)))
    summary = recommend(LOOP, RUBRICS, panel)
    assert summary.outcome is Outcome.NO_HIRE
    messages = [r.message for r in summary.reasons]
    assert "Design, Approach: mean 2.00 is below the must-pass bar 2.5, which caps the " \
        "outcome at no hire." in messages
    assert any(m.startswith("Overall score 3.") for m in messages)
    assert [r.competency for r in summary.decisive] == ["approach"]


def test_the_loop_policy_adds_must_pass_bars_of_its_own():
    # The test loop's policy sets a bar of 2 on design/code, which the rubric does not.
    panel = full_panel((4, 4, 4, 4), ((4, 4, 1, 4), (4, 4, 1, 4)))
    summary = recommend(LOOP, RUBRICS, panel)
    assert summary.outcome is Outcome.NO_HIRE
    assert "Design, Code quality: mean 1.00 is below the must-pass bar 2, which caps the " \
        "outcome at no hire." in [r.message for r in summary.reasons]


def test_a_veto_wins_over_scores_and_names_who_gave_it():
    panel = full_panel((4, 4, 4, 4), ((4, 4, 4, 4), (4, 4, 4, 4)),
                       recs=(HIRE, HIRE, Recommendation.STRONG_NO_HIRE))
    summary = recommend(LOOP, RUBRICS, panel, names={3: "Chen Wei"})
    assert summary.outcome is Outcome.STRONG_NO_HIRE
    assert summary.reasons[0].rule == "veto"
    assert summary.reasons[0].decisive
    assert summary.reasons[0].message.startswith("Chen Wei recommends strong no hire at Design")
    # The veto is one reason among the others, which the committee still reads.
    assert [r.rule for r in summary.reasons if not r.decisive] == \
        ["must_pass", "must_pass", "must_pass", "threshold"]


def test_ratings_two_points_apart_and_split_recommendations_are_disagreements():
    panel = full_panel(design=((4, 3, 3, 3), (2, 3, 3, 3)), recs=(HIRE, HIRE, NO_HIRE))
    summary = recommend(LOOP, RUBRICS, panel, names={2: "Ana", 3: "Ben"})
    assert [d.message for d in summary.disagreements] == [
        "Design, Problem understanding: ratings range from 2 to 4 (Ana 4, Ben 2).",
        "Design: Ana (hire) recommend hire, Ben (no hire) no hire.",
    ]


def test_the_calibrated_aggregate_removes_offsets_and_stays_on_the_scale():
    panel = full_panel((4, 4, 4, 4))
    summary = recommend(LOOP, RUBRICS, panel, offsets={1: 0.5, 2: -2.0})
    assert summary.calibrated.stage("coding").score == 3.5
    assert summary.calibrated.stage("design").competencies[0].scores == (4.0, 3.0)
    assert summary.basis is summary.raw  # the test loop decides on raw scores


def test_the_policy_may_decide_on_calibrated_scores():
    loop = LOOP.model_copy(update={"policy": LOOP.policy.model_copy(
        update={"use_calibrated": True})})
    panel = full_panel((3, 3, 3, 3), ((3, 3, 3, 3), (3, 3, 3, 3)))
    summary = recommend(loop, RUBRICS, panel, offsets={1: -1.0, 2: -1.0, 3: -1.0})
    assert summary.outcome is Outcome.STRONG_HIRE
    assert summary.to_document()["decided_on"] == "calibrated"


def test_the_summary_document_is_json_ready():
    document = recommend(LOOP, RUBRICS, full_panel()).to_document()
    assert document["outcome"] == "hire"
    assert document["overall"] == 3.0
    assert document["stages"][1]["competencies"][0] == {
        "key": "understanding", "title": "Problem understanding", "weight": 1.0, "count": 2,
        "mean": 3.0, "min": 3.0, "max": 3.0, "spread": 0.0, "must_pass": None,
        "required": True}


def test_weighted_mean_leaves_out_missing_values():
    assert weighted_mean([(None, 5), (2, 1), (4, 3)]) == 3.5
    assert weighted_mean([(None, 1)]) is None


# Properties ------------------------------------------------------------------------------

score = st.one_of(st.none(), st.integers(1, 4))
scores = st.tuples(score, score, score, score)
recommendation = st.sampled_from(list(Recommendation))


@st.composite
def panels(draw):
    """Draw a panel of one to three coding and two to three design scorecards."""
    coding = draw(st.lists(st.tuples(scores, recommendation), min_size=1, max_size=3))
    design = draw(st.lists(st.tuples(scores, recommendation), min_size=2, max_size=3))
    return [card("coding", i, s, r) for i, (s, r) in enumerate(coding, start=1)] + \
        [card("design", i, s, r) for i, (s, r) in enumerate(design, start=10)]


@given(panels())
def test_every_score_stays_within_1_and_4(panel):
    scores = aggregate(LOOP, RUBRICS, panel)
    values = [scores.overall] + [s.score for s in scores.stages] + \
        [c.mean for s in scores.stages for c in s.competencies]
    assert all(1 <= v <= 4 for v in values if v is not None)


@given(panels(), st.data())
def test_adding_a_not_assessed_rating_changes_nothing(panel, data):
    index = data.draw(st.integers(0, len(panel) - 1))
    key = data.draw(st.sampled_from(KEYS))
    changed = list(panel)
    if changed[index].scores.get(key) is not None:
        return
    changed[index] = replace(changed[index], scores={**changed[index].scores, key: None})
    assert recommend(LOOP, RUBRICS, changed).to_document() == \
        recommend(LOOP, RUBRICS, panel).to_document()


@given(panels(), st.randoms())
def test_permuting_panelists_changes_nothing(panel, random):
    shuffled = list(panel)
    random.shuffle(shuffled)
    assert recommend(LOOP, RUBRICS, shuffled).to_document() == \
        recommend(LOOP, RUBRICS, panel).to_document()


@given(panels(), st.data())
def test_a_veto_always_wins(panel, data):
    index = data.draw(st.integers(0, len(panel) - 1))
    panel[index] = replace(panel[index], recommendation=Recommendation.STRONG_NO_HIRE)
    assert recommend(LOOP, RUBRICS, panel).outcome is Outcome.STRONG_NO_HIRE


@given(panels(), st.data())
def test_raising_one_rating_never_lowers_the_outcome(panel, data):
    index = data.draw(st.integers(0, len(panel) - 1))
    key = data.draw(st.sampled_from(KEYS))
    current = panel[index].scores.get(key)
    if current is None or current == 4:
        return
    raised = list(panel)
    raised[index] = replace(panel[index], scores={**panel[index].scores, key: current + 1})
    before, after = recommend(LOOP, RUBRICS, panel).outcome, \
        recommend(LOOP, RUBRICS, raised).outcome
    assert before is Outcome.INCOMPLETE or RANK[after] >= RANK[before]
