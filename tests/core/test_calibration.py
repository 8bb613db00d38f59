"""Calibration takes an interviewer's offset out of a score and keeps it on the scale."""

from datetime import UTC, datetime

import pytest

from scorecards.core.calibration import Offset, calibrate


@pytest.mark.parametrize(("score", "offset", "calibrated"), [
    (3, 1.0, 2.0),
    (3, -0.5, 3.5),
    (4, -0.5, 4.0),
    (1, 0.7, 1.0),
    (2, 0.0, 2.0),
])
def test_calibration_takes_the_offset_out_and_stays_on_the_scale(score, offset, calibrated):
    assert calibrate(score, offset) == pytest.approx(calibrated)


def test_an_offset_has_a_95_percent_interval_around_it():
    when = datetime(2026, 1, 1, tzinfo=UTC)
    offset = Offset(7, "coding", effect=0.3, error=0.1, scorecards=12, window_start=when,
                    window_end=when, computed_at=when)
    assert (offset.low, offset.high) == pytest.approx((0.104, 0.496))
