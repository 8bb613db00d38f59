"""Variance components of crossed, unbalanced panels, and the reliabilities made from them."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scorecards.core.agreement import icc
from scorecards.core.variance import (
    MIN_CANDIDATES,
    Components,
    Ratings,
    calibration_components,
    components,
    rater_effects,
    reliability,
)
from tests.core.test_agreement import SHROUT_FLEISS


def matrix_ratings(matrix) -> Ratings:
    return Ratings.of([(target, rater, score) for target, row in enumerate(matrix)
                       for rater, score in enumerate(row) if score is not None])


def simulated(candidates: int, raters: int, sizes: tuple[int, ...], variances: Components,
              seed: int) -> Ratings:
    """Return ratings of a crossed design: each candidate meets a few interviewers at random."""
    random = np.random.default_rng(seed)
    leniency = random.normal(0, variances.rater ** 0.5, raters)
    triples = []
    for candidate in range(candidates):
        level = random.normal(0, variances.candidate ** 0.5)
        panel = random.choice(raters, size=random.choice(sizes), replace=False)
        for rater in panel:
            score = 2.5 + level + leniency[rater] + random.normal(0, variances.residual ** 0.5)
            triples.append((candidate, int(rater), score))
    return Ratings.of(triples)


def test_on_a_complete_matrix_the_reliabilities_are_shrout_and_fleiss_coefficients():
    found = components(matrix_ratings(SHROUT_FLEISS))
    expected = icc(SHROUT_FLEISS)
    assert found.agreement() == pytest.approx(expected.icc2_1, abs=1e-12)
    assert found.agreement(4) == pytest.approx(expected.icc2_k, abs=1e-12)
    assert found.consistency() == pytest.approx(expected.icc3_1, abs=1e-12)
    assert found.consistency(4) == pytest.approx(expected.icc3_k, abs=1e-12)
    assert [round(value, 2) for value in (found.agreement(), found.agreement(4))] == [0.29, 0.62]


complete = st.integers(2, 6).flatmap(lambda raters: st.lists(
    st.lists(st.integers(1, 4), min_size=raters, max_size=raters), min_size=3, max_size=10))


@given(complete)
def test_on_any_complete_matrix_the_estimates_are_the_two_way_anova_ones(matrix):
    ratings = np.asarray(matrix, dtype=float)
    n, k = ratings.shape
    grand = ratings.mean()
    rows, columns = ratings.mean(axis=1), ratings.mean(axis=0)
    msr = k * ((rows - grand) ** 2).sum() / (n - 1)
    msc = n * ((columns - grand) ** 2).sum() / (k - 1)
    mse = ((ratings - rows[:, None] - columns[None, :] + grand) ** 2).sum() / ((n - 1) * (k - 1))
    found = components(matrix_ratings(matrix))
    assert found.residual == pytest.approx(mse, abs=1e-9)
    assert found.candidate == pytest.approx(max((msr - mse) / k, 0), abs=1e-9)
    assert found.rater == pytest.approx(max((msc - mse) / n, 0), abs=1e-9)


@given(st.lists(st.tuples(st.integers(0, 8), st.integers(0, 5), st.integers(1, 4)),
                min_size=4, max_size=60, unique_by=lambda t: (t[0], t[1])), st.randoms())
def test_renumbering_candidates_and_raters_or_reordering_ratings_changes_nothing(triples, random):
    found = components(Ratings.of(triples))
    people = random.sample(range(100, 200), 6)
    shuffled = [(f"candidate {unit * 7 + 3}", people[rater], score)
                for unit, rater, score in random.sample(triples, len(triples))]
    again = components(Ratings.of(shuffled))
    assert (found is None) == (again is None)
    if found is not None:
        for name in ("candidate", "rater", "residual"):
            assert getattr(again, name) == pytest.approx(getattr(found, name), abs=1e-9)


@pytest.mark.parametrize(("variances", "sizes"), [
    (Components(0.5, 0.2, 0.3), (1, 2, 3, 4)),  # panels of every size, many of one
    (Components(0.3, 0.05, 0.6), (2, 3)),  # little leniency, much noise
    (Components(0.6, 0.3, 0.2), (2, 2, 2, 5)),
])
def test_known_variances_are_recovered_from_a_crossed_unbalanced_design(variances, sizes):
    found = components(simulated(4000, 300, sizes, variances, seed=11))
    assert found.candidate == pytest.approx(variances.candidate, abs=0.06)
    assert found.rater == pytest.approx(variances.rater, abs=0.06)
    assert found.residual == pytest.approx(variances.residual, abs=0.06)


def test_reliability_has_intervals_around_it_that_a_seed_repeats():
    ratings = simulated(400, 60, (2, 3), Components(0.5, 0.1, 0.4), seed=3)
    found = reliability(ratings, seed=5, samples=100)
    assert found.one_rater_interval.low < found.one_rater < found.one_rater_interval.high
    assert found.panel_interval.low < found.panel < found.panel_interval.high
    assert found.panel > found.one_rater
    assert 2 < found.panel_size < 3
    assert (found.candidates, found.raters) == (400, 60)
    assert reliability(ratings, seed=5, samples=100) == found
    # The true one-rater agreement, 0.5 / 1.0, lies inside.
    assert found.one_rater_interval.low < 0.5 < found.one_rater_interval.high


def test_too_few_candidates_with_two_raters_is_not_enough_data():
    ratings = simulated(MIN_CANDIDATES, 10, (2,), Components(0.5, 0.1, 0.4), seed=1)
    assert reliability(ratings, samples=10) is not None
    fewer = Ratings.of([(unit, rater, score) for unit, rater, score in zip(
        ratings.units, ratings.raters, ratings.scores, strict=True) if unit > 0])
    assert reliability(fewer, samples=10) is None


def test_ratings_no_candidate_shares_cannot_be_told_apart():
    assert components(Ratings.of([(1, 1, 3), (2, 2, 4), (3, 3, 2)])) is None
    assert components(Ratings.of([])) is None


def test_scores_that_never_vary_have_no_reliability():
    same = components(Ratings.of([(unit, rater, 3) for unit in range(5) for rater in range(3)]))
    assert (same.candidate, same.rater, same.residual) == (0, 0, 0)
    assert same.agreement() is None


def calibration_scenario(raters: int, interviews: int, teams: bool, seed: int):
    """Return (ratings, true leniency by rater) of panels of 2-3 scoring 4 competencies.

    teams: the raters form two teams of opposite mean leniency, and nine panels in ten are
    drawn within one team, so co-panelists mostly share their team's leniency.
    """
    from scorecards.core.panel import PanelRating

    random = np.random.default_rng(seed)
    team = np.arange(raters) % 2
    leniency = random.normal(0, 0.3, raters) + (np.where(team == 0, 0.3, -0.3) if teams else 0)
    ratings = []
    for interview in range(interviews):
        size = random.choice((2, 3))
        pool = np.arange(raters)
        if teams and random.random() < 0.9:
            pool = pool[team == random.integers(2)]
        panel = random.choice(pool, size=size, replace=False)
        for competency in ("a", "b", "c", "d"):
            level = random.normal(0, 0.6)
            for rater in panel:
                score = 2.5 + level + leniency[rater] + random.normal(0, 0.6)
                ratings.append(PanelRating(interview, "onsite", int(rater), competency, score))
    return ratings, dict(enumerate(leniency))


def co_panelist_offsets(ratings) -> dict[int, tuple[float, int]]:
    """Return each rater's mean deviation from their co-panelists and the interviews it rests on.

    The comparison the model replaced, kept here as the baseline it must beat: each score
    against the mean of the other panelists' scores of the same competency.
    """
    units: dict[tuple, dict[int, float]] = {}
    for r in ratings:
        units.setdefault((r.interview_id, r.competency), {})[r.interviewer_id] = r.score
    deviations: dict[int, list[float]] = {}
    shared: dict[int, set] = {}
    for (interview, _), scores in units.items():
        if len(scores) < 2:
            continue
        total = sum(scores.values())
        for who, score in scores.items():
            deviations.setdefault(who, []).append(score - (total - score) / (len(scores) - 1))
            shared.setdefault(who, set()).add(interview)
    return {who: (float(np.mean(found)), len(shared[who])) for who, found in deviations.items()}


@pytest.mark.parametrize(("raters", "interviews", "teams"), [
    (200, 650, False),  # about 8 interviews per rater
    (400, 500, False),  # about 3
    (200, 650, True),  # two teams, panels mostly within one
])
def test_the_model_finds_leniency_closer_to_the_truth_than_the_co_panelist_mean(
        raters, interviews, teams):
    from scorecards.core.variance import rater_effects

    ratings, truth = calibration_scenario(raters, interviews, teams, seed=raters + interviews)
    # As the fit reads them: one stage score per scorecard (the mean of its competencies),
    # the candidate as the unit.
    stage: dict[tuple[int, int], list[float]] = {}
    for r in ratings:
        stage.setdefault((r.interview_id, r.interviewer_id), []).append(r.score)
    model = rater_effects(Ratings.of([(interview, who, np.mean(scores))
                                      for (interview, who), scores in stage.items()]))
    raw = co_panelist_offsets(ratings)
    compared = sorted(set(model) & set(raw))
    assert len(compared) > 0.9 * raters
    centre = np.mean([truth[who] for who in compared])

    def error(found: dict) -> float:
        return float(np.sqrt(np.mean([(found[who] - (truth[who] - centre)) ** 2
                                      for who in compared])))

    model_error = error({who: model[who].effect for who in compared})
    raw_error = error({who: raw[who][0] for who in compared})
    # The former shrinkage: n / (n + 5) of the raw offset, n the shared interviews.
    shrunk_error = error({who: raw[who][0] * raw[who][1] / (raw[who][1] + 5)
                          for who in compared})
    assert model_error < raw_error
    assert model_error < shrunk_error
    assert all(model[who].error > 0 for who in compared)


@given(st.lists(st.lists(st.integers(1, 4), min_size=3, max_size=3), min_size=3, max_size=8))
def test_the_calibration_components_equal_the_anova_ones_on_a_complete_matrix(matrix):
    ratings = matrix_ratings(matrix)
    expected, found = components(ratings), calibration_components(ratings)
    for part in ("candidate", "rater", "residual"):
        assert getattr(found, part) == pytest.approx(getattr(expected, part), abs=1e-9)


@pytest.mark.parametrize("seed", range(6))
def test_the_residual_is_that_of_the_fixed_effects_least_squares_fit(seed):
    # A second computation: the two-way fit with a dummy column per candidate and per rater,
    # solved by least squares, its residual sum of squares over N less the design's rank.
    random = np.random.default_rng(seed)
    triples = []
    for candidate in range(40):
        team = candidate % 2 if seed % 2 else 0  # odd seeds: two teams that never meet
        pool = np.arange(team * 6, team * 6 + 6) if seed % 2 else np.arange(12)
        for rater in random.choice(pool, size=random.integers(1, 4), replace=False):
            triples.append((candidate, int(rater), float(random.integers(1, 5))))
    ratings = Ratings.of(triples)
    design = np.zeros((ratings.scores.size, ratings.units.max() + 1 + ratings.raters.max() + 1))
    design[np.arange(ratings.scores.size), ratings.units] = 1
    design[np.arange(ratings.scores.size), ratings.units.max() + 1 + ratings.raters] = 1
    fitted, *_ = np.linalg.lstsq(design, ratings.scores, rcond=None)
    rss = float(((ratings.scores - design @ fitted) ** 2).sum())
    expected = rss / (ratings.scores.size - np.linalg.matrix_rank(design))
    assert calibration_components(ratings).residual == pytest.approx(expected, rel=1e-6)


def test_leniency_a_team_shares_leaves_the_residual_standing():
    ratings, _ = calibration_scenario(200, 650, teams=True, seed=850)
    stage: dict[tuple[int, int], list[float]] = {}
    for r in ratings:
        stage.setdefault((r.interview_id, r.interviewer_id), []).append(r.score)
    scores = Ratings.of([(i, who, np.mean(found)) for (i, who), found in stage.items()])
    # The scenario's noise per score is 0.6^2; a mean of four scores has a quarter of it.
    assert components(scores).residual == 0  # the moments read the teams as candidates
    assert calibration_components(scores).residual == pytest.approx(0.09, rel=0.15)
    assert all(effect.error > 0 for effect in rater_effects(scores).values())


def test_the_errors_are_the_prediction_error_variances_of_the_full_equations():
    # A second computation: Henderson's equations written out whole (the mean, a column per
    # candidate and per rater), inverted, the raters' diagonal times the residual variance.
    ratings = simulated(60, 8, (1, 2, 3), Components(0.5, 0.2, 0.4), seed=11)
    parts = Components(0.5, 0.2, 0.4)
    units, raters = ratings.units.max() + 1, ratings.raters.max() + 1
    design = np.zeros((ratings.scores.size, 1 + units + raters))
    design[:, 0] = 1
    design[np.arange(ratings.scores.size), 1 + ratings.units] = 1
    design[np.arange(ratings.scores.size), 1 + units + ratings.raters] = 1
    shrink = np.r_[0, np.full(units, parts.residual / parts.candidate),
                   np.full(raters, parts.residual / parts.rater)]
    inverse = np.linalg.inv(design.T @ design + np.diag(shrink))
    solution = inverse @ design.T @ ratings.scores
    found = rater_effects(ratings, parts)
    approximate = rater_effects(ratings, parts, exact_errors=False)
    for column, rater in enumerate(ratings.rater_keys):
        at = 1 + units + column
        assert found[rater].effect == pytest.approx(solution[at], abs=1e-9)
        assert found[rater].error == pytest.approx(np.sqrt(parts.residual * inverse[at, at]),
                                                   rel=1e-9)
        assert approximate[rater].effect == found[rater].effect
        assert approximate[rater].error <= found[rater].error
