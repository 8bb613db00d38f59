"""The shipped backend loop's policy on the cases that once made it confidently wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from scorecards.catalog.services import read_files
from scorecards.core.decision import recommend
from scorecards.core.panel import PanelScorecard
from scorecards.core.rubric import load_catalog
from scorecards.core.vocabulary import Outcome, Recommendation

RUBRICS = Path(__file__).parents[2] / "rubrics"
CATALOG = load_catalog(read_files(sorted(RUBRICS.rglob("*.yaml")), RUBRICS))
LOOP = CATALOG.loops["backend-engineer"]
STAGE_RUBRICS = {stage.key: CATALOG.rubrics[stage.rubric] for stage in LOOP.stages}
HIRE, STRONG_NO_HIRE = Recommendation.HIRE, Recommendation.STRONG_NO_HIRE


def loop_panel(score: int | None = 3, recommendation=HIRE, **overrides) -> list[PanelScorecard]:
    """Return a full panel of every stage, each panelist rating every competency `score`.

    overrides map a stage key to a dict of competency -> score for all of its panelists.
    """
    cards = []
    for number, stage in enumerate(LOOP.stages):
        scores = {c.key: score for c in STAGE_RUBRICS[stage.key].competencies}
        scores.update(overrides.get(stage.key.replace("-", "_"), {}))
        cards += [PanelScorecard(number, stage.key, number * 10 + i, recommendation,
                                 dict(scores)) for i in range(stage.min_panel)]
    return cards


def test_a_shining_hr_screen_with_everything_else_not_assessed_is_incomplete():
    panel = [card if card.stage != "hr-screen" else
             PanelScorecard(card.interview_id, card.stage, card.interviewer_id,
                            Recommendation.STRONG_HIRE, dict.fromkeys(card.scores, 4))
             for card in loop_panel(None)]
    summary = recommend(LOOP, STAGE_RUBRICS, panel)
    assert summary.raw.overall == 4.0  # only the HR screen has a score ...
    assert summary.outcome is Outcome.INCOMPLETE  # ... which is no evidence for the rest
    incomplete = {r.stage for r in summary.decisive if r.rule == "incomplete"}
    assert incomplete == {s.key for s in LOOP.stages} - {"hr-screen"}


def test_inclusion_not_assessed_is_incomplete_not_a_hire():
    rated_one = recommend(LOOP, STAGE_RUBRICS, loop_panel(culture_fit={"inclusion": 1}))
    not_assessed = recommend(LOOP, STAGE_RUBRICS,
                             loop_panel(culture_fit={"inclusion": None}))
    assert rated_one.outcome is Outcome.NO_HIRE
    assert not_assessed.outcome is Outcome.INCOMPLETE
    assert [(r.stage, r.competency) for r in not_assessed.decisive] == \
        [("culture-fit", "inclusion")]


def test_the_hr_screen_cannot_veto_on_its_own_but_an_onsite_panelist_can():
    panel = loop_panel()
    hr = [c if c.stage != "hr-screen" else PanelScorecard(
        c.interview_id, c.stage, c.interviewer_id, STRONG_NO_HIRE, c.scores) for c in panel]
    summary = recommend(LOOP, STAGE_RUBRICS, hr)
    assert summary.outcome is Outcome.HIRE
    assert summary.reasons[0].rule == "veto"
    assert not summary.reasons[0].decisive
    assert "That does not veto" in summary.reasons[0].message
    onsite = [c if c.stage != "system-design" or c.interviewer_id % 10 else PanelScorecard(
        c.interview_id, c.stage, c.interviewer_id, STRONG_NO_HIRE, c.scores) for c in panel]
    assert recommend(LOOP, STAGE_RUBRICS, onsite).outcome is Outcome.NO_HIRE


def test_a_vetoed_candidate_still_sees_every_rule_that_bears_on_her():
    panel = [c if c.stage != "system-design" or c.interviewer_id % 10 else PanelScorecard(
        c.interview_id, c.stage, c.interviewer_id, STRONG_NO_HIRE, c.scores)
        for c in loop_panel(2, onsite_problem_solving={"approach": 1})]
    summary = recommend(LOOP, STAGE_RUBRICS, panel)
    assert summary.outcome is Outcome.NO_HIRE
    assert [(r.rule, r.decisive) for r in summary.reasons if r.rule != "must_pass"] == \
        [("veto", True), ("threshold", False)]
    messages = [r.message for r in summary.reasons]
    assert any(m.startswith("Overall score 1.9") and "below the hire threshold 2.8" in m
               for m in messages)
    assert "Problem solving (onsite), Approach and complexity: mean 1.00 is below the " \
        "must-pass bar 2.5." in messages
    assert messages[0] == (
        "Interviewer 60 recommends strong no hire at System design. By the policy, strong no "
        "hire from one panelist at any stage of the Technical interview or Onsite makes the "
        "outcome no hire whatever the scores.")


@pytest.mark.parametrize(("gap", "outcome"), [(-0.01, Outcome.NO_HIRE), (0, Outcome.HIRE)])
def test_a_score_a_hair_either_side_of_the_hire_threshold_is_borderline(gap, outcome):
    # A panel that scores 3.00 overall against a hire threshold moved to 3.01 and 3.00: the
    # 2.79-or-2.80 call, which the interval shows is within the panel's measurement error.
    panel = loop_panel(3)
    policy = LOOP.policy.model_copy(update={"hire_at": 3 - gap})
    summary = recommend(LOOP.model_copy(update={"policy": policy}), STAGE_RUBRICS, panel)
    assert summary.raw.overall == pytest.approx(3.0)
    assert summary.outcome is outcome
    assert summary.borderline
    assert summary.certainty.threshold == "hire_at"
    assert summary.certainty.interval.low < 3 - gap < summary.certainty.interval.high
