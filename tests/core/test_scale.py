"""The 1-4 scale has one home, and which rubric scores a stage is one rule."""

from __future__ import annotations

import sqlalchemy as sa

from scorecards.core import scale
from scorecards.core.rubric import stage_rubrics
from scorecards.models import Rating


def test_the_scale_splits_into_a_low_and_a_high_half():
    assert scale.LEVELS == (1, 2, 3, 4)
    assert scale.LOW == {1, 2}
    assert scale.HIGH == {3, 4}
    assert scale.clamp(4.7) == 4.0
    assert scale.clamp(0.2) == 1.0
    assert scale.rounded(2.34567) == 2.35
    assert scale.rounded(None) is None


def test_the_database_checks_scores_against_the_same_scale():
    checks = [c for c in Rating.__table__.constraints if isinstance(c, sa.CheckConstraint)]
    assert any(str(c.sqltext) == f"score BETWEEN {scale.LOWEST} AND {scale.HIGHEST}"
               for c in checks)


class _Stage:
    def __init__(self, key, rubric):
        self.key, self.rubric = key, rubric


class _Loop:
    stages = [_Stage("screen", "hr-screen"), _Stage("coding", "coding"),
              _Stage("design", "design")]


def test_a_stage_is_scored_by_its_interview_s_version_else_the_newest_stored():
    used_coding, newest_coding, newest_screen = object(), object(), object()
    asked = []

    def newest(key):
        asked.append(key)
        return {"coding": newest_coding, "hr-screen": newest_screen}.get(key)

    found = stage_rubrics(_Loop(), {"coding": used_coding}, newest)
    assert found == {"screen": newest_screen, "coding": used_coding}  # design: never stored
    assert asked == ["hr-screen", "design"]  # the used stage asks for nothing
