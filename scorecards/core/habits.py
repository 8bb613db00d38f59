"""How each interviewer scores with one rubric, against how everyone scores with it.

The input is one rubric's submitted scorecards over a window (Sheets: one row a scorecard).
Each habit is measured per interviewer with a 95% interval and beside the rubric's norm, the
same measure over every scorecard; it is flagged only when the interval leaves the norm out
and rests on at least MIN_SCORECARDS scorecards, so that a few unusual candidates do not
brand an interviewer. Intervals treat an interviewer's scorecards as the independent units
(their ratings within one scorecard move together).

- middle: the share of ratings at the scale's inner levels (2 and 3 on 1-4). Far above the
  norm is central tendency: the interviewer avoids committing either way.
- spread: the standard deviation of the ratings within one scorecard, averaged. Far below the
  norm means a candidate gets the same level everywhere.
- halo: the correlation between competencies across the interviewer's scorecards (Fisher's z
  averaged over pairs of competencies), against the same correlation pooled over every
  interviewer after taking out each one's own means. Far above: one impression colours every
  rating (Thorndike 1920; Cooper 1981, "Ubiquitous halo", Psychological Bulletin 90).
- contradictions: the share of scorecards whose recommendation runs against most of their
  ratings (hire or strong hire over mostly 1s and 2s, or the other way round).
- on time: the share of scorecards submitted within the overdue window after the interview,
  with the median delay in hours beside it.

Leniency (the rater effect of the crossed model, core/variance.py) and its drift by quarter
are measured there and shown beside these.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .scale import HIGHEST, LOW, LOWEST

MIN_SCORECARDS = 10  # below this, a habit is shown but never flagged
Z = 1.959963984540054  # two-sided 95%


@dataclass(frozen=True)
class Sheets:
    """One rubric's submitted scorecards as parallel arrays, one entry a scorecard.

    scores is scorecards x competencies, NaN where not assessed; passing is +1 for a hire or
    strong hire recommendation and -1 for a no hire or strong no hire; delay is the hours
    from the interview to the submission.
    """

    raters: np.ndarray  # rater index of each scorecard, 0..n_raters-1
    scores: np.ndarray
    passing: np.ndarray
    delay: np.ndarray

    @property
    def size(self) -> int:
        """Return the number of raters (the highest index plus one)."""
        return int(self.raters.max()) + 1 if self.raters.size else 0


@dataclass(frozen=True)
class Figure:
    """One habit of one interviewer: the value, its interval, the norm and the scorecards."""

    value: float | None
    low: float | None
    high: float | None
    norm: float | None
    scorecards: int

    @property
    def flagged(self) -> bool:
        """Tell whether the interval leaves the norm out, on enough scorecards to say so."""
        if None in (self.low, self.high, self.norm) or self.scorecards < MIN_SCORECARDS:
            return False
        return not self.low <= self.norm <= self.high  # type: ignore[operator]

    def to_document(self) -> dict:
        """Return the figure as stored and served: plain numbers, None where unknown."""
        return {"value": _plain(self.value), "low": _plain(self.low),
                "high": _plain(self.high), "norm": _plain(self.norm),
                "scorecards": self.scorecards, "flagged": self.flagged}


HABITS = ("middle", "spread", "halo", "contradictions", "on_time")


def habits(sheets: Sheets, on_time_hours: float) -> dict[str, list[Figure]]:
    """Return each habit's figure for every rater index (a list indexed by rater)."""
    return {"middle": middle(sheets), "spread": spread(sheets), "halo": halo(sheets),
            "contradictions": contradictions(sheets),
            "on_time": on_time(sheets, on_time_hours)}


def middle(sheets: Sheets) -> list[Figure]:
    """Return each rater's share of ratings at the inner levels of the scale."""
    scored = ~np.isnan(sheets.scores)
    inner = scored & (sheets.scores > LOWEST) & (sheets.scores < HIGHEST)
    return _ratio(sheets.raters, inner.sum(axis=1), scored.sum(axis=1), sheets.size)


def spread(sheets: Sheets) -> list[Figure]:
    """Return each rater's mean standard deviation of ratings within a scorecard."""
    scored = ~np.isnan(sheets.scores)
    count = scored.sum(axis=1)
    keep = count >= 2
    filled = np.where(scored, sheets.scores, 0.0)[keep]
    n = count[keep]
    mean = filled.sum(axis=1) / n
    deviation = np.where(scored[keep], filled - mean[:, None], 0.0)
    values = np.sqrt((deviation**2).sum(axis=1) / n)
    return _ratio(sheets.raters[keep], values, np.ones(values.size), sheets.size)


def contradictions(sheets: Sheets) -> list[Figure]:
    """Return each rater's share of scorecards whose recommendation goes against the ratings."""
    scored = ~np.isnan(sheets.scores)
    count = scored.sum(axis=1)
    low = (scored & np.isin(np.nan_to_num(sheets.scores), list(LOW))).sum(axis=1)
    high = count - low
    against = ((sheets.passing > 0) & (2 * low > count)) | (
        (sheets.passing < 0) & (2 * high > count))
    keep = count > 0
    return _ratio(sheets.raters[keep], against[keep].astype(float),
                  np.ones(int(keep.sum())), sheets.size)


def on_time(sheets: Sheets, hours: float) -> list[Figure]:
    """Return each rater's share of scorecards submitted within hours of the interview."""
    return _ratio(sheets.raters, (sheets.delay <= hours).astype(float),
                  np.ones(sheets.raters.size), sheets.size)


def median_delay(sheets: Sheets) -> list[float | None]:
    """Return each rater's median hours from interview to submission."""
    order = np.lexsort((sheets.delay, sheets.raters))
    raters, delay = sheets.raters[order], sheets.delay[order]
    starts = np.searchsorted(raters, np.arange(sheets.size))
    ends = np.searchsorted(raters, np.arange(sheets.size), side="right")
    return [float(np.median(delay[a:b])) if b > a else None for a, b in zip(starts, ends,
                                                                           strict=True)]


def halo(sheets: Sheets) -> list[Figure]:
    """Return each rater's mean correlation between competencies across their scorecards.

    For each pair of competencies the Pearson correlation over the rater's scorecards that
    scored both is turned into Fisher's z; the rater's halo is the mean z (weighted by
    scorecards) turned back, its interval z +- 1.96 / sqrt(n - 3) with n their scorecards.
    The norm is the same correlation over every scorecard, each rater's own means taken out.
    """
    raters, scores, size = sheets.raters, sheets.scores, sheets.size
    competencies = scores.shape[1] if scores.ndim == 2 else 0
    z_sum, weight = np.zeros(size), np.zeros(size)
    pooled_z = pooled_weight = 0.0
    for first in range(competencies):
        for second in range(first + 1, competencies):
            both = ~np.isnan(scores[:, first]) & ~np.isnan(scores[:, second])
            who, x, y = raters[both], scores[both, first], scores[both, second]
            n = np.bincount(who, minlength=size).astype(float)
            sx, sy = np.bincount(who, x, size), np.bincount(who, y, size)
            with np.errstate(invalid="ignore", divide="ignore"):
                cxy = np.bincount(who, x * y, size) - sx * sy / n
                cxx = np.bincount(who, x * x, size) - sx * sx / n
                cyy = np.bincount(who, y * y, size) - sy * sy / n
                r = cxy / np.sqrt(cxx * cyy)
            usable = (n >= 3) & (cxx > 0) & (cyy > 0)
            z = np.arctanh(np.clip(np.where(usable, r, 0.0), -0.999999, 0.999999))
            z_sum += np.where(usable, z * n, 0.0)
            weight += np.where(usable, n, 0.0)
            total = cxx[usable].sum() * cyy[usable].sum()
            if total > 0 and usable.any():
                pooled = cxy[usable].sum() / np.sqrt(total)
                pooled_z += float(np.arctanh(np.clip(pooled, -0.999999, 0.999999))) * n[
                    usable].sum()
                pooled_weight += float(n[usable].sum())
    norm = float(np.tanh(pooled_z / pooled_weight)) if pooled_weight else None
    cards = np.bincount(raters, minlength=size)
    figures = []
    for rater in range(size):
        if weight[rater] == 0:
            figures.append(Figure(None, None, None, norm, int(cards[rater])))
            continue
        z = z_sum[rater] / weight[rater]
        n = int(cards[rater])
        if n <= 3:
            figures.append(Figure(float(np.tanh(z)), None, None, norm, n))
            continue
        half = Z / np.sqrt(n - 3)
        figures.append(Figure(float(np.tanh(z)), float(np.tanh(z - half)),
                              float(np.tanh(z + half)), norm, n))
    return figures


def _ratio(raters: np.ndarray, hits: np.ndarray, totals: np.ndarray, size: int) -> list[Figure]:
    """Return hits / totals per rater with a cluster (scorecard) interval, beside the norm.

    The standard error is the ratio estimator's, from the scatter of each scorecard's hits
    around the rater's share of its totals (Cochran, Sampling Techniques, 1977, 6.3).
    """
    hits, totals = hits.astype(float), totals.astype(float)
    norm = float(hits.sum() / totals.sum()) if totals.sum() else None
    cards = np.bincount(raters, minlength=size)
    hit_sum = np.bincount(raters, hits, size)
    total_sum = np.bincount(raters, totals, size)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = hit_sum / total_sum
        scatter = np.bincount(raters, (hits - share[raters] * totals) ** 2, size)
        error = np.sqrt(scatter * cards / (cards - 1)) / total_sum
    figures = []
    for rater in range(size):
        if total_sum[rater] == 0:
            figures.append(Figure(None, None, None, norm, int(cards[rater])))
        elif cards[rater] < 2:
            figures.append(Figure(float(share[rater]), None, None, norm, int(cards[rater])))
        else:
            figures.append(Figure(float(share[rater]), float(share[rater] - Z * error[rater]),
                                  float(share[rater] + Z * error[rater]), norm,
                                  int(cards[rater])))
    return figures


def _plain(value: float | None) -> float | None:
    return None if value is None or not np.isfinite(value) else round(float(value), 4)
