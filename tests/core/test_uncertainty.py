"""Standard errors and intervals: hand-checked values, a second implementation, a simulation."""

from __future__ import annotations

import numpy as np
import pytest

from scorecards.core.rubric import Uncertainty
from scorecards.core.uncertainty import (
    combined_error,
    interval,
    pooled_spread,
    stage_spread,
    standard_error,
)

PANELS = [[3.0, 2.5, 3.5], [2.0, 3.0], [4.0], [1.5, 2.5, 2.0, 3.0]]


def test_the_pooled_spread_is_the_within_panel_mean_square_of_a_one_way_anova():
    # Second implementation: the residual mean square of a one-way ANOVA with numpy, where
    # each panel is a group: SS_within / (N - k) over the panels of two or more.
    groups = [np.array(p) for p in PANELS if len(p) > 1]
    ss_within = sum(((g - g.mean()) ** 2).sum() for g in groups)
    df_within = sum(len(g) for g in groups) - len(groups)
    spread, used = pooled_spread(PANELS)
    assert spread == pytest.approx(np.sqrt(ss_within / df_within))
    assert used == 3
    # By hand: SS = 0.5 + 0.5 + 1.25 = 2.25 over 2 + 1 + 3 = 6 degrees of freedom.
    assert spread == pytest.approx((2.25 / 6) ** 0.5)


def test_panels_of_one_give_no_spread():
    assert pooled_spread([[3.0], [2.0]]) is None


def test_the_moderated_spread_blends_panel_and_prior_by_their_degrees_of_freedom():
    settings = Uncertainty(prior_spread=0.5, prior_weight=3)
    # Smyth (2004): s2 = (d * s_panel^2 + d0 * s0^2) / (d + d0) with d = n - 1 = 2.
    panel = [3.0, 2.0, 4.0]  # sample variance 1.0
    assert stage_spread(panel, None, settings).value == pytest.approx(
        ((2 * 1.0 + 3 * 0.25) / 5) ** 0.5)
    assert stage_spread(panel, 0.8, settings).source == "panel and history"
    assert stage_spread([3.0], 0.8, settings) == stage_spread([], 0.8, settings)
    assert stage_spread([3.0], 0.8, settings).source == "history"
    assert stage_spread([3.0], None, settings).source == "assumed"
    alone = stage_spread(panel, 0.8, Uncertainty(prior_weight=0))
    assert (alone.value, alone.source) == (pytest.approx(1.0), "panel")


def test_the_interval_uses_the_normal_quantile_and_stays_on_the_scale():
    # z(0.95) = 1.6449 (standard normal tables), so a 90% interval is score +- 1.645 SE.
    found = interval(3.0, 0.2, 0.9)
    assert (found.low, found.high) == (pytest.approx(3 - 1.644854 * 0.2),
                                       pytest.approx(3 + 1.644854 * 0.2))
    assert interval(3.9, 0.5, 0.9).high == 4
    assert interval(1.1, 0.5, 0.9).low == 1


def test_the_error_of_a_weighted_mean_matches_a_simulation():
    parts = [(0.5, 0.5), (1.0, 0.3), (2.0, 0.2)]
    rng = np.random.default_rng(20261201)
    draws = sum(w * rng.normal(0, e, 400_000) for w, e in parts) / sum(w for w, _ in parts)
    assert combined_error(parts) == pytest.approx(draws.std(), rel=0.01)
    assert combined_error([]) is None
    assert standard_error(0.6, 4) == pytest.approx(0.3)


def test_the_interval_covers_the_true_score_about_as_often_as_it_says():
    # Panels of three drawn around a known true score with a known spread: the 90% interval
    # built from the panel's spread (blended with the true spread as history) holds the true
    # score in about 90% of panels.
    rng = np.random.default_rng(7)
    settings = Uncertainty(prior_weight=3)
    truth, spread, hits, trials = 2.9, 0.5, 0, 4000
    for panel in rng.normal(truth, spread, (trials, 3)):
        found = stage_spread(list(panel), spread, settings)
        mean = float(panel.mean())
        error = standard_error(found.value, len(panel))
        hits += interval(mean, error, 0.9).contains(truth)
    assert hits / trials == pytest.approx(0.9, abs=0.02)
