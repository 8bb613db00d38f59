"""How much of the spread of scores is the candidates', the interviewers' and noise.

Interview panels form a crossed and unbalanced design: each candidate meets a few of the many
interviewers, panels differ in size, and some competencies go unscored. The model is

    score = mean + candidate effect + interviewer effect + residual

with the three parts independent, of variances candidate, rater and residual. They are
estimated by the method of moments for crossed random effects of Gao & Owen (2017, "Efficient
moment calculations for variance components in large unbalanced crossed random effects
models", Electronic Journal of Statistics 11): three U-statistics (the squared differences
between scores of one candidate, of one interviewer, and of any two ratings) have
expectations linear in the three variances, which are solved for. It uses every rating, no
rater slots or common panel size, costs one pass over the ratings, and on a complete
candidates x raters matrix gives the two-way ANOVA estimates (the tests hold it to Shrout &
Fleiss). A variance estimated below zero is read as zero.

From the variances come the reliabilities a committee asks about: how far one interviewer's
score, or the mean of a panel of k, tells candidates apart (the generalizability-theory
analogues of ICC(2,1) and ICC(2,k): an interviewer's leniency counts as error, since another
candidate meets other interviewers) and, setting leniency aside, the consistency forms
(ICC(3,1), ICC(3,k)). Intervals come from a bootstrap that resamples candidates whole, so
that a candidate's correlated scores stay together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.linalg import cho_factor, cho_solve, lapack

# Below this, an estimate says nothing: a committee would read noise as a finding.
MIN_CANDIDATES = 20  # candidates scored by at least two interviewers
BOOTSTRAP_SAMPLES = 200
CONFIDENCE = 0.95


@dataclass(frozen=True)
class Components:
    """The variances of the candidate, interviewer and residual parts of a score."""

    candidate: float
    rater: float
    residual: float

    def agreement(self, raters: float = 1) -> float | None:
        """Return the reliability of the mean of this many raters, leniency counted as error."""
        error = (self.rater + self.residual) / raters
        return _share(self.candidate, error)

    def consistency(self, raters: float = 1) -> float | None:
        """Return the reliability of the mean of this many raters, leniency set aside."""
        return _share(self.candidate, self.residual / raters)


@dataclass(frozen=True)
class Interval:
    """A bootstrap percentile interval."""

    low: float
    high: float


@dataclass(frozen=True)
class Reliability:
    """Variance components of a set of ratings, their reliabilities, intervals and sizes."""

    components: Components
    one_rater: float | None  # agreement of one interviewer's score
    panel: float | None  # agreement of the mean of a panel of panel_size
    panel_size: float  # the mean number of interviewers per candidate scored
    one_rater_interval: Interval | None
    panel_interval: Interval | None
    candidates: int  # candidates scored by at least two interviewers
    raters: int
    ratings: int


@dataclass(frozen=True)
class Ratings:
    """Scores as three parallel arrays: candidate (unit) index, rater index, score.

    rater_keys gives back the rater each index stands for, when known.
    """

    units: np.ndarray
    raters: np.ndarray
    scores: np.ndarray
    rater_keys: tuple = ()

    @classmethod
    def of(cls, triples: Sequence[tuple[object, object, float]]) -> Ratings:
        """Return ratings from (candidate, rater, score) triples, any hashable ids."""
        units: dict[object, int] = {}
        raters: dict[object, int] = {}
        rows = [(units.setdefault(unit, len(units)), raters.setdefault(rater, len(raters)),
                 float(score)) for unit, rater, score in triples]
        if not rows:
            return cls(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0))
        unit_ids, rater_ids, scores = zip(*rows, strict=True)
        return cls(np.asarray(unit_ids, dtype=np.int64), np.asarray(rater_ids, dtype=np.int64),
                   np.asarray(scores, dtype=float), tuple(raters))


@dataclass(frozen=True)
class RaterEffect:
    """How much higher than the model expects one interviewer scores, and how surely."""

    effect: float  # best linear unbiased prediction, in points of the scale
    error: float  # its standard error (prediction error, variances taken as known)
    ratings: int


def components(ratings: Ratings, weights: np.ndarray | None = None) -> Components | None:
    """Return the variance components of these ratings, or None when they cannot be told apart.

    weights (one per candidate) count each candidate that many times, as a bootstrap sample
    of whole candidates does; copies of one candidate are different candidates that happen
    to score alike.
    """
    units, raters, y = ratings.units, ratings.raters, ratings.scores
    if y.size == 0:
        return None
    w_unit = np.ones(int(units.max()) + 1) if weights is None else np.asarray(weights, float)
    w = w_unit[units]  # each rating's weight
    n = w.sum()
    # Per candidate: ratings, sum, sum of squares (unweighted: copies are separate candidates).
    unit_n = np.bincount(units, minlength=w_unit.size)
    unit_sum = np.bincount(units, weights=y, minlength=w_unit.size)
    unit_sq = np.bincount(units, weights=y * y, minlength=w_unit.size)
    # Per rater, over the weighted candidates.
    rater_n = np.bincount(raters, weights=w)
    rater_sum = np.bincount(raters, weights=w * y)
    rater_sq = np.bincount(raters, weights=w * y * y)
    # Half the squared differences over ordered pairs: within a candidate, a rater, overall.
    u_unit = (w_unit * (unit_n * unit_sq - unit_sum**2)).sum()
    u_rater = (rater_n * rater_sq - rater_sum**2).sum()
    u_all = n * (w * y * y).sum() - (w * y).sum() ** 2
    sum_unit_n2 = (w_unit * unit_n**2).sum()
    sum_rater_n2 = (rater_n**2).sum()
    # E u_unit = (rater + residual)(sum n_i^2 - N); E u_rater = (candidate + residual)(sum
    # n_j^2 - N); E u_all = candidate (N^2 - sum n_i^2) + rater (N^2 - sum n_j^2)
    # + residual (N^2 - N).
    system = np.array([
        [0.0, sum_unit_n2 - n, sum_unit_n2 - n],
        [sum_rater_n2 - n, 0.0, sum_rater_n2 - n],
        [n * n - sum_unit_n2, n * n - sum_rater_n2, n * n - n],
    ])
    # The rows are of very different sizes (N against N squared): scaled to one, a singular
    # system (no candidate with two raters, no rater with two candidates) shows as such.
    scale = np.abs(system).max(axis=1)
    if (scale == 0).any() or np.linalg.cond(system / scale[:, None]) > 1e10:
        return None
    candidate, rater, residual = np.linalg.solve(system / scale[:, None],
                                                 np.array([u_unit, u_rater, u_all]) / scale)
    return Components(max(float(candidate), 0.0), max(float(rater), 0.0),
                      max(float(residual), 0.0))


def reliability(ratings: Ratings, seed: int = 0,
                samples: int = BOOTSTRAP_SAMPLES) -> Reliability | None:
    """Return the variance components and reliabilities of these ratings with intervals.

    None when fewer than MIN_CANDIDATES candidates were scored by two or more interviewers:
    too few to say anything. The panel size is the mean number of interviewers per candidate
    scored, the panels as they are. The intervals (CONFIDENCE, percentile) resample
    candidates whole; the same seed gives the same interval.
    """
    units = ratings.units
    if units.size == 0:
        return None
    per_unit = np.bincount(units)
    paired = int((per_unit >= 2).sum())
    found = components(ratings)
    if paired < MIN_CANDIDATES or found is None:
        return None
    panel_size = float(per_unit[per_unit >= 1].mean())
    one, panel = [], []
    random = np.random.default_rng(seed)
    for _ in range(samples):
        weights = random.multinomial(per_unit.size, np.full(per_unit.size, 1 / per_unit.size))
        drawn = components(ratings, weights)
        if drawn is not None and drawn.agreement() is not None:
            one.append(drawn.agreement())
            panel.append(drawn.agreement(panel_size))
    return Reliability(
        components=found, one_rater=found.agreement(), panel=found.agreement(panel_size),
        panel_size=panel_size, one_rater_interval=_interval(one),
        panel_interval=_interval(panel), candidates=paired,
        raters=int(np.unique(ratings.raters).size), ratings=int(units.size))


def rater_effects(ratings: Ratings, found: Components | None = None,
                  exact_errors: bool = True) -> dict[object, RaterEffect]:
    """Return each rater's leniency under the crossed model, by rater key (index if none).

    The rater effects are the best linear unbiased predictions given the variance components
    (found; calibration_components of the ratings if not given): Henderson's mixed model
    equations with the candidates absorbed, one equation per rater and one for the mean,
    solved by their Cholesky factor. A rater's effect is shrunk toward zero by residual /
    rater variance, so one seen on a few candidates is not called lenient on little evidence,
    and it is measured against every candidate's level, which the candidates' other
    interviewers and stages inform: leniency a whole panel shares is seen too.

    The standard error is the square root of the prediction error variance: the residual
    variance times the diagonal of the inverse of the equations, which counts the uncertainty
    of the candidates' levels and of the mean. Without exact_errors (a cubic cost in the
    raters) the diagonal of the equations stands in for it: residual / diagonal, the
    variance the effect would have if the other raters' effects were known, a little smaller
    than the exact one.
    """
    found = found or calibration_components(ratings)
    if found is None:
        return {}
    rater_n = np.bincount(ratings.raters).astype(float)
    if found.rater == 0 or found.residual == 0:
        # No spread of leniency (every effect is 0), or no noise to weigh it against.
        effects = errors = np.zeros(rater_n.size)
    else:
        candidate_shrink = found.residual / found.candidate if found.candidate > 0 else np.inf
        system, rhs = _absorbed(ratings, candidate_shrink, found.residual / found.rater,
                                with_mean=True)
        diagonal = np.diag(system).copy()
        # The matrix is symmetric: its transpose is the same matrix in the column order
        # LAPACK works in, so it is factored and inverted where it lies, without copies.
        factor = cho_factor(system.T, lower=True, overwrite_a=True, check_finite=False)
        effects = cho_solve(factor, rhs, check_finite=False)[:-1]
        if exact_errors:
            inverse, info = lapack.dpotri(factor[0], lower=1, overwrite_c=1)
            if info != 0:
                raise np.linalg.LinAlgError(f"the mixed model equations are singular ({info})")
            variances = np.diag(inverse)[:-1]
        else:
            variances = 1 / diagonal[:-1]
        errors = np.sqrt(np.maximum(variances, 0.0) * found.residual)
    keys = ratings.rater_keys or tuple(range(rater_n.size))
    return {keys[j]: RaterEffect(float(effects[j]), float(errors[j]), int(rater_n[j]))
            for j in range(rater_n.size) if rater_n[j] > 0}


def calibration_components(ratings: Ratings) -> Components | None:
    """Return variance components whose residual holds even when panels are not random.

    The residual variance is the residual mean square of the two-way fit with candidates and
    raters as fixed effects (Henderson's Method 3, "fitting constants": Searle, Casella &
    McCulloch, Variance Components, 1992, 5.5), which no pattern of who meets whom biases.
    The candidate and rater variances are then the within-rater and within-candidate
    U-statistics of components() less that residual. On a complete matrix all three equal
    the two-way ANOVA estimates, as components() does; where interviewers mostly meet their
    own team, components() can read the team's shared leniency as candidates' quality and
    leave no residual at all, and this does not.
    """
    units, raters, y = ratings.units, ratings.raters, ratings.scores
    if y.size == 0:
        return None
    unit_n = np.bincount(units).astype(float)
    rater_n = np.bincount(raters).astype(float)
    n = float(y.size)
    candidates, raters_seen = int((unit_n > 0).sum()), int((rater_n > 0).sum())
    within_unit = np.bincount(units, y * y) - np.bincount(units, y) ** 2 / np.maximum(unit_n, 1)
    system, rhs = _absorbed(ratings, 0.0, 0.0, with_mean=False)
    # Singular where raters form separate groups (each can move by a constant): a ridge far
    # below the data's scale makes it solvable and leaves the fit's residual as it is.
    system[np.diag_indices_from(system)] += 1e-10 * max(float(np.abs(np.diag(system)).max()),
                                                        1.0)
    fitted = cho_solve(cho_factor(system.T, lower=True, overwrite_a=True, check_finite=False),
                       rhs, check_finite=False)
    rss = float(within_unit.sum() - fitted @ rhs)
    freedom = n - candidates - (raters_seen - _linked_groups(ratings))
    if freedom <= 0:
        return None
    residual = max(rss / freedom, 0.0)
    pairs_unit = float((unit_n**2).sum() - n)
    pairs_rater = float((rater_n**2).sum() - n)
    if pairs_unit <= 0 or pairs_rater <= 0:
        return None
    u_unit = float((unit_n * np.bincount(units, y * y) - np.bincount(units, y) ** 2).sum())
    u_rater = float((rater_n * np.bincount(raters, y * y) - np.bincount(raters, y) ** 2).sum())
    return Components(max(u_rater / pairs_rater - residual, 0.0),
                      max(u_unit / pairs_unit - residual, 0.0), residual)


def _absorbed(ratings: Ratings, candidate_shrink: float, rater_shrink: float,
              with_mean: bool) -> tuple[np.ndarray, np.ndarray]:
    """Return the raters' (and the mean's) mixed model equations with candidates absorbed.

    Candidate i's equation (n_i + candidate_shrink) u_i = sum of its (y - mean - rater
    effects) is solved for u_i and put into the others: each pair of ratings of one
    candidate takes 1 / (n_i + candidate_shrink) from their raters' cell. With with_mean the
    last row and column are the mean's (every rating counts toward it, unshrunk).
    """
    units, raters, y = ratings.units, ratings.raters, ratings.scores
    size = int(raters.max()) + 1
    width = size + 1 if with_mean else size
    unit_n = np.bincount(units).astype(float)
    with np.errstate(divide="ignore"):
        weight = np.where(np.isinf(candidate_shrink), 0.0, 1.0 / (unit_n + candidate_shrink))
    unit_sum = np.bincount(units, y)
    order = np.argsort(units, kind="stable")
    sorted_units, sorted_raters = units[order], raters[order]
    cells, weights = [], []
    for step in range(int(unit_n.max())):
        same = sorted_units[step:] == sorted_units[:sorted_units.size - step]
        first, second = sorted_raters[:sorted_units.size - step][same], sorted_raters[step:][same]
        w = weight[sorted_units[step:][same]]
        cells += [first * width + second] + ([second * width + first] if step else [])
        weights += [w] + ([w] if step else [])
    # Dense: about a gigabyte at 12,000 raters, so negated in place, not copied.
    system = np.bincount(np.concatenate(cells), np.concatenate(weights),
                         width * width).reshape(width, width)
    np.negative(system, out=system)
    rater_n = np.bincount(raters, minlength=size).astype(float)
    system[np.arange(size), np.arange(size)] += rater_n + rater_shrink
    rhs = np.bincount(raters, y - (unit_sum * weight)[units], size)
    if with_mean:
        # Every rating counts toward the mean: its row is each rater's count, less what the
        # candidates took (each candidate's weight times its ratings, per rating of the rater).
        taken = np.bincount(raters, (weight * unit_n)[units], size)
        system[size, :size] = system[:size, size] = rater_n - taken
        system[size, size] = y.size - float((weight * unit_n**2).sum())
        rhs = np.append(rhs, float(y.sum() - (unit_n * unit_sum * weight).sum()))
    return system, rhs


def _linked_groups(ratings: Ratings) -> int:
    """Return how many groups the raters form, two being linked when they share a candidate."""
    units, raters = ratings.units, ratings.raters
    label = np.arange(int(raters.max()) + 1)
    while True:
        lowest = np.full(int(units.max()) + 1, label.size)
        np.minimum.at(lowest, units, label[raters])
        moved = label.copy()
        np.minimum.at(moved, raters, lowest[units])
        moved = moved[moved]  # follow the chain: a label points at a smaller one
        if np.array_equal(moved, label):
            break
        label = moved
    seen = np.bincount(raters, minlength=label.size) > 0
    return int(np.unique(label[seen]).size)


def _interval(values: list[float]) -> Interval | None:
    if len(values) < 2:
        return None
    tail = (1 - CONFIDENCE) / 2 * 100
    low, high = np.percentile(values, [tail, 100 - tail])
    return Interval(float(low), float(high))


def _share(part: float, error: float) -> float | None:
    """Return part / (part + error), None when both are zero (nothing varies)."""
    whole = part + error
    return None if whole <= 0 else part / whole
