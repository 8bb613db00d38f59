"""The agreement statistics against second, maintained implementations of the same figures.

pingouin computes the six Shrout & Fleiss ICCs, statsmodels fits the crossed random-effects
model by REML, and the krippendorff package reads a raters x units matrix. Each is written
apart from the project's code, so a formula slip in one would show as a disagreement here.
"""

import re

import krippendorff
import numpy as np
import pandas as pd
import pingouin
import pytest
import statsmodels.formula.api as smf

from scorecards.core.agreement import LEVELS_OF_MEASUREMENT, icc, krippendorff_alpha
from scorecards.core.variance import Components, Ratings, components, rater_effects

# Recent pingouin names the forms after McGraw & Wong, earlier versions after Shrout & Fleiss.
PINGOUIN_FORMS = {
    "ICC(1,1)": "icc1_1", "ICC(A,1)": "icc2_1", "ICC(C,1)": "icc3_1",
    "ICC(1,k)": "icc1_k", "ICC(A,k)": "icc2_k", "ICC(C,k)": "icc3_k",
    "ICC1": "icc1_1", "ICC2": "icc2_1", "ICC3": "icc3_1",
    "ICC1k": "icc1_k", "ICC2k": "icc2_k", "ICC3k": "icc3_k",
}

# pingouin calls DataFrame.dropna(inplace=...), which pandas 3 deprecates.
pingouin_warnings = pytest.mark.filterwarnings(
    "ignore:The inplace keyword in DataFrame.dropna is deprecated")


def complete_matrices(count: int = 30, seed: int = 2024) -> list[np.ndarray]:
    """Return targets x raters matrices from 5 x 2 to 40 x 6, mostly on the 1-4 scale.

    Targets and raters differ by random amounts, none in one matrix in five (pure noise,
    where the ICCs come out near or below zero); one in three is on another scale.
    """
    random = np.random.default_rng(seed)
    shapes = [(5, 2), (40, 6)] + [(int(random.integers(5, 41)), int(random.integers(2, 7)))
                                  for _ in range(count - 2)]
    matrices = []
    for number, (targets, raters) in enumerate(shapes):
        target_sd = 0.0 if number % 5 == 4 else random.uniform(0.3, 1.2)
        scores = (random.normal(0, target_sd, (targets, 1))
                  + random.normal(0, random.uniform(0, 0.6), (1, raters))
                  + random.normal(0, random.uniform(0.3, 1.0), (targets, raters)))
        match number % 6:
            case 2:
                matrix = np.clip(np.round(5 + 2 * scores), 0, 10)  # 0-10 points
            case 5:
                matrix = 50 + 10 * scores  # a continuous measure
            case _:
                matrix = np.clip(np.round(2.5 + scores), 1, 4)
        matrices.append(matrix)
    return matrices


MATRICES = complete_matrices()


def pingouin_iccs(matrix: np.ndarray) -> dict[str, float]:
    """Return pingouin's six ICCs of a complete matrix, by the project's field names."""
    long = pd.DataFrame([(target, rater, score) for target, row in enumerate(matrix)
                         for rater, score in enumerate(row)],
                        columns=["target", "rater", "score"])
    table = pingouin.intraclass_corr(long, targets="target", raters="rater", ratings="score")
    return {PINGOUIN_FORMS[form]: float(value)
            for form, value in zip(table["Type"], table["ICC"], strict=True)}


def matrix_ratings(matrix: np.ndarray) -> Ratings:
    return Ratings.of([(target, rater, score) for target, row in enumerate(matrix)
                       for rater, score in enumerate(row)])


@pingouin_warnings
@pytest.mark.parametrize("matrix", MATRICES, ids=lambda m: f"{m.shape[0]}x{m.shape[1]}")
def test_all_six_iccs_match_pingouin(matrix):
    expected = pingouin_iccs(matrix)
    found = icc(matrix)
    assert set(expected) == set(PINGOUIN_FORMS.values())  # all six, each once
    for form, value in expected.items():
        assert getattr(found, form) == pytest.approx(value, abs=1e-9), form


@pingouin_warnings
def test_variance_component_reliabilities_match_pingouins_icc2_and_icc3():
    compared = {"agreement": 0, "consistency": 0}
    for matrix in MATRICES:
        raters = matrix.shape[1]
        expected = pingouin_iccs(matrix)
        found = components(matrix_ratings(matrix))
        # On a complete matrix each component is its own ANOVA difference, truncated at zero
        # on its own: consistency needs only the candidate and residual parts untruncated.
        if found.candidate > 0 and found.residual > 0:
            assert expected["icc3_1"] > 0
            assert found.consistency() == pytest.approx(expected["icc3_1"], abs=1e-9)
            assert found.consistency(raters) == pytest.approx(expected["icc3_k"], abs=1e-9)
            compared["consistency"] += 1
            if found.rater > 0:
                assert found.agreement() == pytest.approx(expected["icc2_1"], abs=1e-9)
                assert found.agreement(raters) == pytest.approx(expected["icc2_k"], abs=1e-9)
                compared["agreement"] += 1
            else:  # leniency estimated below zero is none: agreement is then consistency
                assert found.agreement() == found.consistency()
        else:
            # Where pingouin reports a reliability at or below zero, the project reports zero.
            assert expected["icc3_1"] <= 1e-12
            assert found.agreement() == found.consistency() == 0
    # The comparisons are most of the matrices, not a lucky few.
    assert compared["consistency"] >= 20
    assert compared["agreement"] >= 15


def crossed_design(seed: int = 0) -> pd.DataFrame:
    """Return a crossed, unbalanced design: 300 candidates, each scored by 1-4 of 40 raters."""
    random = np.random.default_rng(seed)
    leniency = random.normal(0, 0.3, 40)
    rows = []
    for candidate in range(300):
        level = random.normal(0, 0.6)
        for rater in random.choice(40, size=random.integers(1, 5), replace=False):
            rows.append((candidate, int(rater),
                         2.5 + level + leniency[rater] + random.normal(0, 0.5)))
    return pd.DataFrame(rows, columns=["candidate", "rater", "score"])


@pytest.fixture(scope="module")
def reml():
    """Fit the crossed model by REML; return the design, its variances and rater effects."""
    data = crossed_design()
    model = smf.mixedlm("score ~ 1", data, groups=np.ones(len(data)), re_formula="0",
                        vc_formula={"candidate": "0 + C(candidate)", "rater": "0 + C(rater)"})
    result = model.fit(reml=True)
    assert result.converged
    variances = dict(zip(model.exog_vc.names, result.vcomp, strict=True))
    predicted = {}
    for label, effect in result.random_effects[1.0].items():
        rater = re.fullmatch(r"rater\[C\(rater\)\[(\d+)\]\]", label)
        if rater:
            predicted[int(rater.group(1))] = float(effect)
    assert sorted(predicted) == sorted(data["rater"].unique())
    ratings = Ratings.of(list(data.itertuples(index=False, name=None)))
    fitted = Components(float(variances["candidate"]), float(variances["rater"]),
                        float(result.scale))
    return ratings, fitted, predicted


# Moment estimates are less efficient than REML, so the two differ by sampling noise: over
# eight seeds of this design by at most 10% on the candidate and residual variances and 25% on
# the rater variance (40 raters only). These bounds leave margin and still fail on a factor of
# two (+100% or -50%) or two components swapped.
RELATIVE_TOLERANCE = {"candidate": 0.2, "rater": 0.4, "residual": 0.2}


def test_moment_estimates_are_close_to_reml_on_a_crossed_unbalanced_design(reml):
    ratings, fitted, _ = reml
    found = components(ratings)
    for part, tolerance in RELATIVE_TOLERANCE.items():
        assert getattr(found, part) == pytest.approx(getattr(fitted, part), rel=tolerance), part


def test_rater_effects_are_the_mixed_models_predictions_given_its_variances(reml):
    ratings, fitted, predicted = reml
    effects = rater_effects(ratings, fitted)
    for rater, effect in predicted.items():
        assert effects[rater].effect == pytest.approx(effect, abs=1e-6)


def test_rater_effects_from_moment_estimates_track_the_reml_predictions(reml):
    ratings, _, predicted = reml
    effects = rater_effects(ratings)
    raters = sorted(predicted)
    ours = np.array([effects[rater].effect for rater in raters])
    theirs = np.array([predicted[rater] for rater in raters])
    assert np.corrcoef(ours, theirs)[0, 1] > 0.95
    # A sixth of the effects' spread (sd 0.17 here); they differ by 0.01 on average.
    assert np.abs(ours - theirs).mean() < 0.03


def gappy_data_sets(count: int = 20, seed: int = 7):
    """Return random raters x units rows with NaN gaps, each with its scale (None if any)."""
    random = np.random.default_rng(seed)
    scales = [(1, 2, 3, 4), (1, 2, 3, 4, 5, 6, 7), tuple(np.arange(1, 10.5, 0.5)), None]
    sets = []
    for number in range(count):
        scale = scales[number % len(scales)]
        raters, units = int(random.integers(2, 9)), int(random.integers(5, 31))
        truth = random.normal(0, 1, units)
        if scale is None:  # a positive continuous measure, every value its own
            rows = np.exp(truth + random.normal(0, 0.5, (raters, units)))
        else:
            steps = np.asarray(scale, dtype=float)
            spot = (len(steps) - 1) * (0.5 + 0.2 * (truth + random.normal(0, 0.7, (raters, units))))
            rows = steps[np.clip(np.round(spot), 0, len(steps) - 1).astype(int)]
        rows[random.random((raters, units)) < random.uniform(0.1, 0.5)] = np.nan
        name = "continuous" if scale is None else f"{scale[0]:g}-{scale[-1]:g}"
        sets.append(pytest.param(rows, scale, id=f"{raters}x{units}-{name}"))
    return sets


@pytest.mark.parametrize("level", LEVELS_OF_MEASUREMENT)
@pytest.mark.parametrize(("rows", "scale"), gappy_data_sets())
def test_alpha_from_value_counts_equals_the_packages_alpha_from_the_matrix(rows, scale, level):
    units = {unit: {rater: float(rows[rater, unit]) for rater in range(rows.shape[0])
                    if not np.isnan(rows[rater, unit])} for unit in range(rows.shape[1])}
    expected = krippendorff.alpha(reliability_data=rows, level_of_measurement=level)
    alpha = krippendorff_alpha(units, level)
    assert alpha is not None
    assert alpha == pytest.approx(expected, abs=1e-9)
    if scale is not None:
        on_scale = krippendorff.alpha(reliability_data=rows, value_domain=list(scale),
                                      level_of_measurement=level)
        assert krippendorff_alpha(units, level, scale) == pytest.approx(on_scale, abs=1e-9)
