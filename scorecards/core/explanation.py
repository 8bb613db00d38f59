"""A recommendation and the policy behind it, in words a committee member reads.

The committee's summary page and the candidate's packet print the same recommendation block
(one Jinja macro) from the plain values made here, so that screen and paper never drift
apart; the packet's appendix prints the policy in force from policy_terms. Every value is
JSON-ready: the packet's fingerprint is a hash of them.
"""

from __future__ import annotations

from collections.abc import Mapping

from .decision import THRESHOLD_NAMES, Summary, listed
from .rubric import Loop, Policy, Rubric, Veto
from .scale import rounded
from .vocabulary import Recommendation

RULE_LABELS = {"veto": "Veto", "incomplete": "Evidence", "not_assessed": "Missing ratings",
               "must_pass": "Must-pass bar", "threshold": "Thresholds"}
# Where a stage's spread between panelists came from (see uncertainty.stage_spread).
SPREAD_SOURCES = {
    "panel": "the spread of this panel's own scores",
    "history": "the spread the rubric showed on its past panels (one panelist shows none)",
    "assumed": "the policy's assumed spread (one panelist, and no past panels yet)",
    "panel and history": "this panel's spread, blended with the rubric's past panels",
    "panel and assumed": "this panel's spread, blended with the policy's assumed spread",
}
# The policy order of decision.py, said once for the packet's appendix.
ORDER = ("The rules apply in this order: a veto wins over everything; missing evidence makes the "
         "outcome incomplete; a must-pass bar not met caps it at no hire; otherwise the overall "
         "score meets the thresholds.")
SETTLED_WITHOUT_SCORES = {"veto": "A veto", "incomplete": "Missing evidence"}


def recommendation_block(summary: Summary, policy: Policy) -> dict:
    """Return what the recommendation block shows: outcome, borderline, reasons, flips."""
    settled_by = next((r.rule for r in summary.decisive if r.rule in SETTLED_WITHOUT_SCORES),
                      None)
    return {
        "outcome": summary.outcome.value,
        "label": summary.outcome.label,
        "overall": rounded(summary.raw.overall),
        "calibrated_overall": rounded(summary.calibrated.overall) if summary.calibrated
        else None,
        "decided_on": "calibrated" if summary.used_calibrated else "raw",
        "borderline": _borderline(summary, policy),
        "reasons": [{"rule": r.rule, "label": RULE_LABELS.get(r.rule, r.rule),
                     "message": r.message, "decisive": r.decisive} for r in summary.reasons],
        "flips": [flip.message for flip in summary.flips],
        "no_flips": (f"{SETTLED_WITHOUT_SCORES[settled_by]} settled it, which no single "
                     "rating changes." if settled_by else
                     "No single rating, moved by one point, would change it."),
        "disagreements": [d.message for d in summary.disagreements],
        "stages": {stage.key: _stage_error(summary, stage.key)
                   for stage in summary.basis.stages
                   if summary.stage_error(stage.key) is not None},
    }


def _borderline(summary: Summary, policy: Policy) -> str | None:
    """Say how far the score could be from where it is, and which threshold lies within."""
    certainty = summary.certainty
    if not summary.borderline or certainty is None or certainty.threshold is None:
        return None
    found = certainty.interval
    score = "calibrated overall score" if summary.used_calibrated else "overall score"
    return (f"the {score} {found.score:.2f} could be anywhere from "
            f"{found.low:.2f} to {found.high:.2f} ({certainty.confidence:.0%} interval), "
            f"which includes the {THRESHOLD_NAMES[certainty.threshold]} "
            f"{getattr(policy, certainty.threshold):g}.")


def _stage_error(summary: Summary, key: str) -> dict:
    source = (summary.spreads or {})[key].source
    return {"error": rounded(summary.stage_error(key)), "source": source,
            "source_words": SPREAD_SOURCES.get(source, source)}


def policy_terms(loop: Loop, rubrics: Mapping[str, Rubric]) -> dict:
    """Return the loop's decision policy in plain words, with the stage and rubric it names.

    rubrics map each stage key to the rubric version its interviews used (or the newest),
    whose own must-pass bars count beside the loop's.
    """
    policy = loop.policy
    required = {stage.key for stage in loop.required_stages}
    return {
        "loop": loop.title,
        "order": ORDER,
        "stages": [{"title": stage.title, "round": stage.round,
                    "rubric": rubrics[stage.key].title if stage.key in rubrics else stage.rubric,
                    "weight": stage.weight, "min_panel": stage.min_panel,
                    "required": stage.key in required} for stage in loop.stages],
        "vetoes": [_veto_words(loop, veto) for veto in policy.vetoes]
        or ["This policy has no vetoes."],
        "evidence": _evidence_words(loop, policy, required),
        "bars": _bar_words(loop, rubrics) or ["This policy has no must-pass bars."],
        "thresholds": [
            f"Strong hire: an overall score of {policy.strong_hire_at:g} or more.",
            f"Hire: {policy.hire_at:g} or more.",
            f"No hire: below {policy.hire_at:g}.",
            f"Strong no hire: below {policy.strong_no_hire_below:g}.",
            "The overall score is the mean of the stage scores weighted as in the table; a "
            "stage score is the mean of its competencies' panel means, weighted by the rubric.",
            "The outcome is decided on calibrated scores, with each interviewer's calibration "
            "offset taken out." if policy.use_calibrated else
            "The outcome is decided on raw scores; calibrated scores are shown beside them.",
        ],
        "uncertainty": _uncertainty_words(policy),
    }


def _veto_words(loop: Loop, veto: Veto) -> str:
    titles = [stage.title for stage in loop.stages if veto.applies_at(stage.key)]
    others = [stage.title for stage in loop.stages if not veto.applies_at(stage.key)]
    who = "One panelist" if veto.panelists == 1 else f"{veto.panelists} panelists"
    where = "any stage" if not others else listed(titles, "or")
    weaker = " (or further from hire)" if veto.recommendation is not Recommendation.STRONG_NO_HIRE \
        else ""
    words = (f"{who} recommending {veto.recommendation.label.lower()}{weaker} at {where} "
             f"{'makes' if veto.panelists == 1 else 'make'} the outcome "
             f"{veto.outcome.label.lower()}, whatever the scores.")
    if others:
        words += f" Recommendations at {listed(others)} do not count toward it."
    return words


def _evidence_words(loop: Loop, policy: Policy, required: set[str]) -> list[str]:
    stages = "Every stage is required" if len(required) == len(loop.stages) else (
        f"Required stages: {listed(s.title for s in loop.stages if s.key in required)}")
    many = "one panelist" if policy.min_ratings == 1 else f"{policy.min_ratings} panelists"
    return [
        f"{stages}: each needs its minimum panel of submitted scorecards (see the table).",
        f"Each required competency of a required stage needs a rating (1-4) from at least "
        f"{many}; \"not assessed\" is no rating, never a pass.",
        "A must-pass competency nobody rated is never taken as passed." if policy.min_ratings == 1
        else f"A must-pass competency rated by fewer than {many} is never taken as passed.",
        "Missing evidence makes the outcome incomplete.",
    ]


def _bar_words(loop: Loop, rubrics: Mapping[str, Rubric]) -> list[str]:
    found = []
    for stage in loop.stages:
        rubric = rubrics.get(stage.key)
        for competency in rubric.competencies if rubric else ():
            bar = next((b.bar for b in loop.policy.must_pass
                        if (b.stage, b.competency) == (stage.key, competency.key)), None)
            by = "the loop" if bar is not None else "the rubric"
            bar = competency.must_pass if bar is None else bar
            if bar is not None:
                found.append(f"{stage.title}, {competency.title}: the panel mean must reach "
                             f"{bar:g} (set by {by}).")
    if found:
        found.append("A panel mean below its bar caps the outcome at no hire.")
    return found


def _uncertainty_words(policy: Policy) -> list[str]:
    settings = policy.uncertainty
    if settings.prior_weight:
        spread = (f"A stage's spread between its panelists is blended with the spread the "
                  f"same rubric showed on its past panels, which counts as "
                  f"{settings.prior_weight:g} panelists' worth; a stage with one panelist "
                  f"takes the past spread as it is. With no past panels yet, a spread of "
                  f"{settings.prior_spread:g} points is assumed in its place.")
    else:
        spread = (f"A stage's spread is its own panel's; a stage with one panelist takes the "
                  f"spread the same rubric showed on its past panels, or "
                  f"{settings.prior_spread:g} points with no past panels yet.")
    return [
        "Each stage score comes with a standard error: the spread between its panelists' "
        "scores divided by the square root of how many there were.",
        spread,
        f"The overall score's error combines the stages' by their weights and gives a "
        f"{settings.confidence:.0%} interval: the range in which a much larger panel's score "
        "would likely fall.",
        "When that interval includes the threshold the outcome was decided on, the outcome is "
        "borderline.",
    ]
