"""The recommended outcome of an application, with the rules that decided it.

A recommendation explains itself: every rule that shaped the outcome is a Reason with the
numbers behind it, and the panel's disagreements are listed for the committee to discuss.
The order of the rules is the policy: a veto wins over everything, an incomplete loop makes
no recommendation, a missed must-pass bar caps the outcome at no hire, and otherwise the
overall score meets the loop's thresholds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass

from .aggregation import Aggregate, aggregate
from .panel import PanelScorecard
from .rubric import Loop, Rubric
from .vocabulary import FinalOutcome, Outcome, Recommendation

# Outcomes from worst to best, for capping and comparing.
RANK = {Outcome.STRONG_NO_HIRE: 0, Outcome.NO_HIRE: 1, Outcome.HIRE: 2, Outcome.STRONG_HIRE: 3}
HIRE_SIDE = {Recommendation.HIRE, Recommendation.STRONG_HIRE}
DISAGREEMENT_SPREAD = 2  # ratings this far apart on one competency are worth a discussion
# A decision always says why; one that goes against the recommendation says more.
MIN_RATIONALE = 20
MIN_RATIONALE_DEPARTING = 100
_AGREEING = {
    FinalOutcome.HIRE: {Outcome.HIRE, Outcome.STRONG_HIRE},
    FinalOutcome.NO_HIRE: {Outcome.NO_HIRE, Outcome.STRONG_NO_HIRE},
    FinalOutcome.HOLD: {Outcome.INCOMPLETE},
}


@dataclass(frozen=True)
class Reason:
    """One rule that shaped the outcome, said with its numbers."""

    rule: str  # veto, incomplete, must_pass, threshold
    message: str


@dataclass(frozen=True)
class Disagreement:
    """Something the panel disagrees on, for the committee to discuss."""

    kind: str  # ratings or recommendations
    stage: str
    competency: str | None
    message: str


@dataclass(frozen=True)
class Summary:
    """What the engine recommends for one application, and why."""

    outcome: Outcome
    raw: Aggregate
    calibrated: Aggregate | None
    reasons: tuple[Reason, ...]
    disagreements: tuple[Disagreement, ...]
    used_calibrated: bool = False

    @property
    def basis(self) -> Aggregate:
        """Return the aggregate the outcome was decided on."""
        return self.calibrated if self.used_calibrated and self.calibrated else self.raw

    def to_document(self) -> dict:
        """Return the recommendation as JSON-ready data (for the record and the API)."""
        return {
            "outcome": self.outcome.value,
            "overall": _round(self.raw.overall),
            "calibrated_overall": _round(self.calibrated.overall) if self.calibrated else None,
            "decided_on": "calibrated" if self.used_calibrated else "raw",
            "stages": [{
                "key": stage.key, "title": stage.title, "weight": stage.weight,
                "score": _round(stage.score), "submitted": stage.submitted,
                "min_panel": stage.min_panel,
                "competencies": [{
                    "key": c.key, "title": c.title, "weight": c.weight, "count": c.count,
                    "mean": _round(c.mean), "min": c.low, "max": c.high,
                    "spread": c.spread, "must_pass": c.must_pass,
                } for c in stage.competencies],
            } for stage in self.raw.stages],
            "reasons": [asdict(reason) for reason in self.reasons],
            "disagreements": [asdict(d) for d in self.disagreements],
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def recommend(loop: Loop, rubrics: Mapping[str, Rubric], scorecards: Iterable[PanelScorecard],
              offsets: Mapping[int, float] | None = None,
              names: Mapping[int, str] | None = None) -> Summary:
    """Return the recommended outcome of an application from its submitted scorecards.

    offsets (interviewer -> calibration offset) give the calibrated aggregate beside the
    raw one; the outcome uses it only when the loop's policy says so. names label
    interviewers in the messages.
    """
    # A fixed order, so that the same panel always reads the same whatever order it came in.
    order = {stage.key: i for i, stage in enumerate(loop.stages)}
    scorecards = sorted(scorecards, key=lambda s: (order.get(s.stage, len(order)),
                                                   s.interviewer_id, s.interview_id))
    names = names or {}
    raw = aggregate(loop, rubrics, scorecards)
    calibrated = aggregate(loop, rubrics, scorecards, offsets) if offsets is not None else None
    use_calibrated = loop.policy.use_calibrated and calibrated is not None
    basis = calibrated if use_calibrated else raw
    outcome, reasons = _apply_policy(loop, basis, scorecards, names)
    return Summary(outcome, raw, calibrated, tuple(reasons),
                           tuple(disagreements(raw, scorecards, names)), use_calibrated)


def _apply_policy(loop: Loop, basis: Aggregate, scorecards: list[PanelScorecard],
                  names: Mapping[int, str]) -> tuple[Outcome, list[Reason]]:
    vetoes = _vetoes(loop, basis, scorecards, names)
    if vetoes:
        worst = min((outcome for outcome, _ in vetoes), key=RANK.__getitem__)
        return worst, [reason for _, reason in vetoes]
    missing = [stage for stage in basis.stages
               if stage.key in {s.key for s in loop.required_stages} and not stage.complete]
    if missing:
        return Outcome.INCOMPLETE, [Reason("incomplete", (
            f"{stage.title} has {stage.submitted} of the {stage.min_panel} submitted "
            f"scorecard{'s' if stage.min_panel > 1 else ''} it needs.")) for stage in missing]
    outcome, reasons = _threshold(loop, basis.overall)
    failed = [_must_pass_reason(stage.title, c) for stage in basis.stages
              for c in stage.competencies
              if c.must_pass is not None and c.mean is not None and c.mean < c.must_pass]
    if failed and RANK[outcome] > RANK[Outcome.NO_HIRE]:
        outcome = Outcome.NO_HIRE
        reasons.append(Reason("must_pass", "A must-pass bar was missed, so the outcome is at "
                                           "most no hire."))
    return outcome, failed + reasons


def _vetoes(loop: Loop, basis: Aggregate, scorecards: list[PanelScorecard],
            names: Mapping[int, str]) -> list[tuple[Outcome, Reason]]:
    found = []
    for veto in loop.policy.vetoes:
        for scorecard in scorecards:
            if scorecard.recommendation == veto.recommendation:
                who = names.get(scorecard.interviewer_id, f"Interviewer {scorecard.interviewer_id}")
                stage = _stage_title(basis, scorecard.stage)
                found.append((veto.outcome, Reason("veto", (
                    f"{who} recommends {veto.recommendation.label.lower()} at {stage}; the "
                    f"policy makes that {veto.outcome.label.lower()} whatever the scores."))))
    return found


def _stage_title(basis: Aggregate, key: str) -> str:
    return next((stage.title for stage in basis.stages if stage.key == key), key)


def _threshold(loop: Loop, overall: float | None) -> tuple[Outcome, list[Reason]]:
    policy = loop.policy
    if overall is None:
        return Outcome.INCOMPLETE, [Reason("incomplete", "No stage has a score yet.")]
    if overall >= policy.strong_hire_at:
        outcome, rule = Outcome.STRONG_HIRE, f"at or above the strong hire threshold " \
                                             f"{policy.strong_hire_at:g}"
    elif overall >= policy.hire_at:
        outcome, rule = Outcome.HIRE, f"at or above the hire threshold {policy.hire_at:g} and " \
                                      f"below strong hire {policy.strong_hire_at:g}"
    elif overall >= policy.strong_no_hire_below:
        outcome, rule = Outcome.NO_HIRE, f"below the hire threshold {policy.hire_at:g}"
    else:
        outcome, rule = Outcome.STRONG_NO_HIRE, f"below {policy.strong_no_hire_below:g}, the " \
                                                "strong no hire threshold"
    return outcome, [Reason("threshold", f"Overall score {overall:.2f} is {rule}.")]


def _must_pass_reason(stage: str, competency) -> Reason:
    return Reason("must_pass", f"{stage}, {competency.title}: mean {competency.mean:.1f} is "
                               f"below the must-pass bar {competency.must_pass:g}.")


def disagreements(raw: Aggregate, scorecards: Iterable[PanelScorecard],
                  names: Mapping[int, str] | None = None) -> list[Disagreement]:
    """Return the competencies rated 2+ points apart and the split stage recommendations."""
    names = names or {}
    scorecards = sorted(scorecards, key=lambda s: (s.interviewer_id, s.interview_id))
    found = []
    for stage in raw.stages:
        panel = [s for s in scorecards if s.stage == stage.key]
        for c in stage.competencies:
            if c.spread is not None and c.spread >= DISAGREEMENT_SPREAD:
                who = ", ".join(f"{names.get(s.interviewer_id, s.interviewer_id)} "
                                f"{s.scores[c.key]}" for s in panel
                                if s.scores.get(c.key) is not None)
                found.append(Disagreement("ratings", stage.key, c.key, (
                    f"{stage.title}, {c.title}: ratings range from {c.low:g} to {c.high:g} "
                    f"({who}).")))
        hire = [s for s in panel if s.recommendation in HIRE_SIDE]
        no_hire = [s for s in panel if s.recommendation not in HIRE_SIDE]
        if hire and no_hire:
            found.append(Disagreement("recommendations", stage.key, None, (
                f"{stage.title}: {_who(hire, names)} recommend hire, "
                f"{_who(no_hire, names)} no hire.")))
    return found


def _who(scorecards: list[PanelScorecard], names: Mapping[int, str]) -> str:
    return " and ".join(f"{names.get(s.interviewer_id, s.interviewer_id)} "
                        f"({s.recommendation.label.lower()})" for s in scorecards)


def departs(recommended: Outcome, final: FinalOutcome) -> bool:
    """Tell whether the committee's decision goes against the recommended outcome."""
    return recommended not in _AGREEING[final]


def rationale_problem(recommended: Outcome, final: FinalOutcome, rationale: str) -> str | None:
    """Return what is wrong with a decision's rationale, or None if it is enough."""
    length = len(rationale.strip())
    if departs(recommended, final) and length < MIN_RATIONALE_DEPARTING:
        return (f"The decision ({final.label.lower()}) departs from the recommendation "
                f"({recommended.label.lower()}): explain why in at least "
                f"{MIN_RATIONALE_DEPARTING} characters ({length} so far).")
    if length < MIN_RATIONALE:
        return f"Give the rationale in at least {MIN_RATIONALE} characters ({length} so far)."
    return None
