"""The recommended outcome of an application, with every rule that bears on it.

A recommendation explains itself: each rule that bears on the candidate is a Reason with the
numbers behind it, marked decisive when it settled the outcome, and the panel's
disagreements are listed for the committee to discuss. The rules, in policy order:

1. Vetoes: enough panelists of the named stages recommend against hiring (a strong no hire at
   an onsite stage, say); the worst veto that applies wins over everything below.
2. Evidence: every required stage has its minimum panel, and each of its required
   competencies was rated (1-4) by enough panelists; a must-pass competency nobody rated is
   never taken as passed. Missing evidence makes the outcome incomplete. A required rating
   some panelist left "not assessed" is left out of the scores, but an outcome on the hire
   side must also hold with every such rating taken at the lowest level; where it would
   not, the outcome is incomplete too: missing evidence never makes a hire.
3. Must-pass bars: a competency's panel mean below its bar caps the outcome at no hire.
4. Thresholds: the overall score against strong hire, hire and strong no hire.

Every score carries a standard error (see uncertainty.py); when the interval of the score a
threshold decided on contains that threshold, the outcome is borderline. The flips are the
single ratings that, moved by one point, would change the outcome: how close the call is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, replace

from .aggregation import Aggregate, StageScore, aggregate, aggregate_stage
from .panel import PanelScorecard
from .rubric import Loop, Policy, Rubric, Veto
from .scale import LEVELS, LOWEST, rounded
from .uncertainty import Interval, Spread, combined_error, interval, stage_spread, standard_error
from .vocabulary import FinalOutcome, Outcome, Recommendation

# Outcomes from worst to best, for capping and comparing.
RANK = {Outcome.STRONG_NO_HIRE: 0, Outcome.NO_HIRE: 1, Outcome.HIRE: 2, Outcome.STRONG_HIRE: 3}
RECOMMENDATION_RANK = {r: i for i, r in enumerate(Recommendation)}  # weakest first
HIRE_SIDE = {Recommendation.HIRE, Recommendation.STRONG_HIRE}
DISAGREEMENT_SPREAD = 2  # ratings this far apart on one competency are worth a discussion
MAX_FLIPS = 5
MAX_LISTED = 6  # unassessed ratings named in one reason
# A decision always says why; one that goes against the recommendation says more.
MIN_RATIONALE = 20
MIN_RATIONALE_DEPARTING = 100
_AGREEING = {
    FinalOutcome.HIRE: {Outcome.HIRE, Outcome.STRONG_HIRE},
    FinalOutcome.NO_HIRE: {Outcome.NO_HIRE, Outcome.STRONG_NO_HIRE},
    FinalOutcome.HOLD: {Outcome.INCOMPLETE},
}
THRESHOLD_NAMES = {"strong_hire_at": "strong hire threshold", "hire_at": "hire threshold",
                   "strong_no_hire_below": "strong no hire threshold"}


@dataclass(frozen=True)
class Reason:
    """One rule that bears on the outcome, said with its numbers."""

    rule: str  # veto, incomplete, must_pass, threshold
    message: str
    decisive: bool = False  # this rule settled the outcome
    stage: str | None = None
    competency: str | None = None


@dataclass(frozen=True)
class Disagreement:
    """Something the panel disagrees on, for the committee to discuss."""

    kind: str  # ratings or recommendations
    stage: str
    competency: str | None
    message: str


@dataclass(frozen=True)
class Flip:
    """One rating that, moved by one point, would change the outcome."""

    stage: str
    competency: str
    interviewer_id: int
    before: int
    after: int
    outcome: Outcome
    message: str


@dataclass(frozen=True)
class Certainty:
    """How sure the overall score the outcome was decided on is."""

    interval: Interval
    threshold: str | None  # the policy threshold inside the interval, if any (nearest)
    confidence: float

    def to_document(self) -> dict:
        """Return the figures as JSON-ready data."""
        return {"standard_error": rounded(self.interval.standard_error),
                "low": rounded(self.interval.low), "high": rounded(self.interval.high),
                "threshold": self.threshold, "confidence": self.confidence}


@dataclass(frozen=True)
class Summary:
    """What the engine recommends for one application, and why."""

    outcome: Outcome
    raw: Aggregate
    calibrated: Aggregate | None
    reasons: tuple[Reason, ...]
    disagreements: tuple[Disagreement, ...]
    used_calibrated: bool = False
    spreads: Mapping[str, Spread] | None = None  # stage key -> spread behind its error
    certainty: Certainty | None = None
    borderline: bool = False
    flips: tuple[Flip, ...] = ()

    @property
    def basis(self) -> Aggregate:
        """Return the aggregate the outcome was decided on."""
        return self.calibrated if self.used_calibrated and self.calibrated else self.raw

    def stage_error(self, key: str) -> float | None:
        """Return the standard error of a stage's score (on the basis), None if unscored."""
        stage = self.basis.stage(key)
        spread = (self.spreads or {}).get(key)
        if spread is None or not stage.panelists:
            return None
        return standard_error(spread.value, len(stage.panelists))

    @property
    def decisive(self) -> tuple[Reason, ...]:
        """Return the reasons that settled the outcome."""
        return tuple(reason for reason in self.reasons if reason.decisive)

    def to_document(self) -> dict:
        """Return the recommendation as JSON-ready data (for the record and the API)."""
        spreads = self.spreads or {}
        return {
            "outcome": self.outcome.value,
            "overall": rounded(self.raw.overall),
            "calibrated_overall": rounded(self.calibrated.overall) if self.calibrated else None,
            "decided_on": "calibrated" if self.used_calibrated else "raw",
            "borderline": self.borderline,
            "uncertainty": self.certainty.to_document() if self.certainty else None,
            "stages": [{
                "key": stage.key, "title": stage.title, "weight": stage.weight,
                "score": rounded(stage.score), "submitted": stage.submitted,
                "min_panel": stage.min_panel,
                "standard_error": rounded(self.stage_error(stage.key)),
                "error_source": spreads[stage.key].source if self.stage_error(stage.key)
                is not None else None,
                "competencies": [{
                    "key": c.key, "title": c.title, "weight": c.weight, "count": c.count,
                    "mean": rounded(c.mean), "min": c.low, "max": c.high,
                    "spread": c.spread, "must_pass": c.must_pass, "required": c.required,
                } for c in stage.competencies],
            } for stage in self.raw.stages],
            "reasons": [asdict(reason) for reason in self.reasons],
            "flips": [{"stage": f.stage, "competency": f.competency,
                       "interviewer_id": f.interviewer_id, "from": f.before, "to": f.after,
                       "outcome": f.outcome.value, "message": f.message} for f in self.flips],
            "disagreements": [asdict(d) for d in self.disagreements],
        }


def recommend(loop: Loop, rubrics: Mapping[str, Rubric], scorecards: Iterable[PanelScorecard],
              offsets: Mapping[tuple[str, int], float] | None = None,
              names: Mapping[int, str] | None = None,
              history: Mapping[str, float] | None = None,
              with_flips: bool = False) -> Summary:
    """Return the recommended outcome of an application from its submitted scorecards.

    offsets ((stage, interviewer) -> calibration offset) give the calibrated aggregate beside the
    raw one; the outcome uses it only when the loop's policy says so. names label
    interviewers in the messages. history (rubric key -> spread between panelists on its
    past panels) sharpens the standard errors. with_flips lists the single ratings whose
    move by one point would change the outcome (it scores the panel again per rating).
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
    spreads = {stage.key: stage_spread(stage.panelists, (history or {}).get(
        loop.stage(stage.key).rubric), loop.policy.uncertainty) for stage in basis.stages}
    certainty = _certainty(loop.policy, basis, spreads)
    worst = aggregate(loop, rubrics, at_worst(rubrics, scorecards),
                      offsets if use_calibrated else None)
    outcome, reasons = _apply_policy(loop, rubrics, basis, worst, scorecards, names, certainty)
    borderline = any(r.decisive and r.rule == "threshold" for r in reasons) \
        and certainty is not None and certainty.threshold is not None
    found_flips = _flips(loop, rubrics, scorecards, offsets if use_calibrated else None, basis,
                         worst, outcome, reasons, names) if with_flips else ()
    return Summary(outcome, raw, calibrated, tuple(reasons),
                   tuple(disagreements(raw, scorecards, names)), use_calibrated, spreads,
                   certainty, borderline, found_flips)


def _certainty(policy: Policy, basis: Aggregate,
               spreads: Mapping[str, Spread]) -> Certainty | None:
    overall = basis.overall
    if overall is None:
        return None
    error = combined_error(
        (stage.weight, standard_error(spreads[stage.key].value, len(stage.panelists)))
        for stage in basis.stages if stage.score is not None)
    if error is None:
        return None
    settings = policy.uncertainty
    found = interval(overall, error, settings.confidence)
    inside = [name for name in THRESHOLD_NAMES if found.contains(getattr(policy, name))]
    nearest = min(inside, key=lambda name: abs(getattr(policy, name) - overall), default=None)
    return Certainty(found, nearest, settings.confidence)


def _apply_policy(loop: Loop, rubrics: Mapping[str, Rubric], basis: Aggregate,
                  worst: Aggregate, scorecards: list[PanelScorecard], names: Mapping[int, str],
                  certainty: Certainty | None) -> tuple[Outcome, list[Reason]]:
    """Return the outcome and every rule that bears on it, in policy order, decisive marked."""
    vetoes = _vetoes(loop, basis, scorecards, names)
    evidence = _evidence(loop, basis)
    bars = _bars(loop, basis)
    ranked, threshold = _threshold(loop.policy, basis.overall, certainty,
                                   so_far=bool(evidence))
    applied = [outcome for outcome, _ in vetoes if outcome is not None]
    failed = [reason for passed, reason in bars if not passed]
    scored, lowest = _outcome_of_scores(loop.policy, basis), _outcome_of_scores(loop.policy, worst)
    unassessed = _unassessed(rubrics, basis, scorecards, names, lowest)
    if applied:
        outcome = min(applied, key=RANK.__getitem__)
        decisive = [reason for found, reason in vetoes if found is outcome]
    elif evidence or ranked is Outcome.INCOMPLETE:
        outcome, decisive = Outcome.INCOMPLETE, evidence or [threshold]
    elif _rests_on_missing(scored, lowest):
        outcome, decisive = Outcome.INCOMPLETE, unassessed
    elif failed and RANK[ranked] > RANK[Outcome.NO_HIRE]:
        outcome, decisive = Outcome.NO_HIRE, failed
    else:
        outcome, decisive = ranked, [threshold]
    marked = {id(reason) for reason in decisive}
    ordered = [reason for _, reason in vetoes] + evidence + unassessed + \
        [reason for _, reason in bars]
    if basis.overall is not None or not evidence:
        ordered.append(threshold)
    near = certainty is not None and certainty.threshold is not None
    return outcome, [_decisive(reason, outcome, near) if id(reason) in marked else reason
                     for reason in ordered]


def _rests_on_missing(scored: Outcome, at_worst: Outcome) -> bool:
    """Tell whether a hire-side outcome would fall with its unassessed ratings at the lowest."""
    return scored in (Outcome.HIRE, Outcome.STRONG_HIRE) and \
        at_worst not in (Outcome.HIRE, Outcome.STRONG_HIRE)


def at_worst(rubrics: Mapping[str, Rubric],
             scorecards: Iterable[PanelScorecard]) -> list[PanelScorecard]:
    """Return the scorecards with every required competency left unrated taken at the lowest."""
    found = []
    for scorecard in scorecards:
        rubric = rubrics.get(scorecard.stage)
        gaps = {} if rubric is None else {
            c.key: LOWEST for c in rubric.competencies
            if c.required and scorecard.scores.get(c.key) is None}
        found.append(replace(scorecard, scores={**scorecard.scores, **gaps}) if gaps
                     else scorecard)
    return found


def _unassessed(rubrics: Mapping[str, Rubric], basis: Aggregate,
                scorecards: list[PanelScorecard], names: Mapping[int, str],
                worst: Outcome) -> list[Reason]:
    """Return the reason that names the required ratings panelists left unassessed, if any."""
    gaps = [(s, c) for s in scorecards if s.stage in rubrics
            for c in rubrics[s.stage].competencies
            if c.required and s.scores.get(c.key) is None]
    if not gaps:
        return []
    shown = [f"{names.get(s.interviewer_id, f'Interviewer {s.interviewer_id}')}'s "
             f"{c.title} at {_stage_title(basis, s.stage)}" for s, c in gaps[:MAX_LISTED]]
    if len(gaps) > MAX_LISTED:
        shown.append(f"{len(gaps) - MAX_LISTED} more")
    stage = gaps[0][0].stage if len({s.stage for s, _ in gaps}) == 1 else None
    return [Reason("not_assessed", (
        f"Required but not assessed: {listed(shown)}. Taken at the lowest level, the scores "
        f"would make it {worst.label.lower()}."), stage=stage)]


def _decisive(reason: Reason, outcome: Outcome, near_threshold: bool) -> Reason:
    """Mark a reason as the one that settled the outcome, saying how where it helps."""
    message = reason.message
    if reason.rule == "must_pass":
        message = message.removesuffix(".") + f", which caps the outcome at " \
                                              f"{outcome.label.lower()}."
    elif reason.rule == "threshold" and near_threshold:
        message += " The outcome is borderline."
    elif reason.rule == "not_assessed":
        message += " A hire must not rest on missing evidence: the outcome waits for it."
    return replace(reason, message=message, decisive=True)


def _counts_toward(veto: Veto, recommendation: Recommendation) -> bool:
    return RECOMMENDATION_RANK[recommendation] <= RECOMMENDATION_RANK[veto.recommendation]


def _vetoes(loop: Loop, basis: Aggregate, scorecards: list[PanelScorecard],
            names: Mapping[int, str]) -> list[tuple[Outcome | None, Reason]]:
    """Return each veto that applies (with its outcome) or was approached (with None)."""
    found: list[tuple[Outcome | None, Reason]] = []
    for veto in loop.policy.vetoes:
        given = [s for s in scorecards if _counts_toward(veto, s.recommendation)]
        if not given:
            continue
        within = [s for s in given if veto.applies_at(s.stage)]
        scope = _scope(loop, veto)
        who = "; ".join(f"{names.get(s.interviewer_id, f'Interviewer {s.interviewer_id}')} "
                        f"recommends {s.recommendation.label.lower()} at "
                        f"{_stage_title(basis, s.stage)}" for s in given)
        stage = given[0].stage if len({s.stage for s in given}) == 1 else None
        if len(within) >= veto.panelists:
            found.append((veto.outcome, Reason("veto", (
                f"{who}. By the policy, {scope} makes the outcome "
                f"{veto.outcome.label.lower()} whatever the scores."), stage=stage)))
        else:
            found.append((None, Reason("veto", (
                f"{who}. That does not veto: the policy needs {scope} "
                f"({len(within)} so far)."), stage=stage)))
    return found


def _scope(loop: Loop, veto: Veto) -> str:
    """Say which recommendations from whom a veto needs: by round where it covers whole ones."""
    wanted = set(veto.stages or (stage.key for stage in loop.stages))
    rounds = list(dict.fromkeys(stage.round for stage in loop.stages))
    whole = [r for r in rounds if {s.key for s in loop.stages if s.round == r} <= wanted]
    if len(wanted) == len(loop.stages):
        where = "any stage"
    elif {s.key for s in loop.stages if s.round in whole} == wanted and len(whole) < len(wanted):
        where = f"any stage of the {listed(whole, 'or')}"
    else:
        where = listed([s.title for s in loop.stages if s.key in wanted], "or")
    many = "one panelist" if veto.panelists == 1 else f"{veto.panelists} panelists"
    return f"{veto.recommendation.label.lower()} from {many} at {where}"


def _stage_title(basis: Aggregate, key: str) -> str:
    return next((stage.title for stage in basis.stages if stage.key == key), key)


def _evidence(loop: Loop, basis: Aggregate) -> list[Reason]:
    """Return what evidence is missing: short panels, unrated required competencies."""
    required = {stage.key for stage in loop.required_stages}
    found = []
    for stage in basis.stages:
        if stage.key in required and stage.submitted < stage.min_panel:
            found.append(Reason("incomplete", (
                f"{stage.title} has {stage.submitted} of the {stage.min_panel} submitted "
                f"scorecard{'s' if stage.min_panel > 1 else ''} it needs."), stage=stage.key))
        if not stage.submitted:
            continue
        unrated = [c for c in stage.unrated if stage.key in required and c.must_pass is None]
        if unrated:
            found.append(Reason("incomplete", (
                f"{stage.title}: {listed(c.title for c in unrated)} "
                f"{_rated_by(stage, len(unrated))}, so the stage is not complete."),
                stage=stage.key))
        for c in stage.competencies:
            if c.must_pass is not None and c.count < stage.min_ratings:
                found.append(Reason("incomplete", (
                    f"{stage.title}, {c.title}: must-pass competency "
                    f"{_rated_by(stage, 1)}; a bar is never passed on missing evidence."),
                    stage=stage.key, competency=c.key))
    return found


def _rated_by(stage: StageScore, many: int) -> str:
    if stage.min_ratings == 1:
        return "was rated by nobody" if many == 1 else "were rated by nobody"
    return f"{'has' if many == 1 else 'have'} fewer than {stage.min_ratings} ratings"


def listed(items: Iterable[str], last: str = "and") -> str:
    """Return the items as a sentence lists them: "A, B and C"."""
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {last} " + items[-1]


def _bars(loop: Loop, basis: Aggregate) -> list[tuple[bool, Reason]]:
    """Return each must-pass bar with a rated mean: whether it was met, and the numbers."""
    found = []
    for stage in basis.stages:
        for c in stage.competencies:
            if c.must_pass is None or c.mean is None:
                continue
            passed = c.mean >= c.must_pass
            found.append((passed, Reason("must_pass", (
                f"{stage.title}, {c.title}: mean {c.mean:.2f} "
                f"{'meets' if passed else 'is below'} the must-pass bar {c.must_pass:g}."),
                stage=stage.key, competency=c.key)))
    return found


def _ranked(policy: Policy, overall: float) -> tuple[Outcome, str]:
    if overall >= policy.strong_hire_at:
        return Outcome.STRONG_HIRE, f"at or above the strong hire threshold " \
                                    f"{policy.strong_hire_at:g}"
    if overall >= policy.hire_at:
        return Outcome.HIRE, f"at or above the hire threshold {policy.hire_at:g} and below " \
                             f"strong hire {policy.strong_hire_at:g}"
    if overall >= policy.strong_no_hire_below:
        return Outcome.NO_HIRE, f"below the hire threshold {policy.hire_at:g}"
    return Outcome.STRONG_NO_HIRE, f"below {policy.strong_no_hire_below:g}, the strong no " \
                                   "hire threshold"


def _threshold(policy: Policy, overall: float | None, certainty: Certainty | None,
               so_far: bool) -> tuple[Outcome, Reason]:
    if overall is None:
        return Outcome.INCOMPLETE, Reason("incomplete", "No stage has a score yet.")
    outcome, rule = _ranked(policy, overall)
    message = f"Overall score {overall:.2f}{' so far' if so_far else ''} is {rule}."
    if certainty is not None:
        found = certainty.interval
        message += (f" Its {certainty.confidence:.0%} interval is {found.low:.2f} to "
                    f"{found.high:.2f}")
        if certainty.threshold:
            message += (f", which contains the {THRESHOLD_NAMES[certainty.threshold]} "
                        f"{getattr(policy, certainty.threshold):g}")
        message += "."
    return outcome, Reason("threshold", message)


def _outcome_of_scores(policy: Policy, basis: Aggregate,
                       worst: Aggregate | None = None) -> Outcome:
    """Return the outcome of a panel with no veto and complete evidence: thresholds, bars.

    With worst (the panel with its unassessed required ratings at the lowest level), a
    hire-side outcome that would not hold at worst is incomplete.
    """
    overall = basis.overall
    if overall is None:
        return Outcome.INCOMPLETE
    outcome, _ = _ranked(policy, overall)
    failed = any(c.must_pass is not None and c.mean is not None and c.mean < c.must_pass
                 for stage in basis.stages for c in stage.competencies)
    outcome = Outcome.NO_HIRE if failed and RANK[outcome] > RANK[Outcome.NO_HIRE] else outcome
    if worst is not None and _rests_on_missing(outcome, _outcome_of_scores(policy, worst)):
        return Outcome.INCOMPLETE
    return outcome


def _flips(loop: Loop, rubrics: Mapping[str, Rubric], scorecards: list[PanelScorecard],
           offsets: Mapping[tuple[str, int], float] | None, basis: Aggregate, worst: Aggregate,
           outcome: Outcome, reasons: list[Reason],
           names: Mapping[int, str]) -> tuple[Flip, ...]:
    """Return the single ratings that, moved by one point, change the outcome.

    A veto or a short panel does not move with a rating, so only an outcome the scores
    decided can flip. The nearest come first: those that move the overall score least.
    """
    if any(r.decisive and r.rule in ("veto", "incomplete") for r in reasons):
        return ()
    found = []
    for index, scorecard in enumerate(scorecards):
        panel = [s for s in scorecards if s.stage == scorecard.stage]
        for competency, score in scorecard.scores.items():
            if score is None:
                continue
            for after in (score - 1, score + 1):
                if after not in LEVELS:
                    continue
                moved = replace(scorecard, scores={**scorecard.scores, competency: after})
                cards = sorted((moved if s is scorecard else s for s in panel),
                               key=lambda s: (s.interviewer_id, s.interview_id))
                changed = _with_stage(basis, aggregate_stage(
                    loop, scorecard.stage, rubrics.get(scorecard.stage), cards, offsets))
                changed_worst = _with_stage(worst, aggregate_stage(
                    loop, scorecard.stage, rubrics.get(scorecard.stage),
                    at_worst(rubrics, cards), offsets))
                result = _outcome_of_scores(loop.policy, changed, changed_worst)
                if result is not outcome:
                    shift = abs((changed.overall or 0) - (basis.overall or 0))
                    found.append((shift, index, competency, after, _flip(
                        basis, scorecard, competency, score, after, result, names)))
    found.sort(key=lambda item: item[:4])
    return tuple(flip for *_, flip in found[:MAX_FLIPS])


def _with_stage(scores: Aggregate, stage: StageScore) -> Aggregate:
    return Aggregate(tuple(stage if s.key == stage.key else s for s in scores.stages))


def _flip(basis: Aggregate, scorecard: PanelScorecard, competency: str, before: int,
          after: int, outcome: Outcome, names: Mapping[int, str]) -> Flip:
    stage = basis.stage(scorecard.stage)
    title = next((c.title for c in stage.competencies if c.key == competency), competency)
    who = names.get(scorecard.interviewer_id, f"Interviewer {scorecard.interviewer_id}")
    return Flip(stage.key, competency, scorecard.interviewer_id, before, after, outcome,
                f"{stage.title}, {title}: {who}'s rating {before} as {after} would make it "
                f"{outcome.label.lower()}.")


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
