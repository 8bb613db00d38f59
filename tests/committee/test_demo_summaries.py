"""Every demo candidate's summary agrees with a calculation done by hand from the files."""

from collections import defaultdict
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml

from scorecards.committee.services import candidate_summary
from scorecards.core.vocabulary import Outcome, Role
from scorecards.demo.seed import seed
from scorecards.extensions import db
from scorecards.models import Application, Interview, Rating, Scorecard

RUBRICS = Path(__file__).parents[2] / "rubrics"


def by_hand(application_id: int) -> float | None:
    """Return the overall score straight from the YAML weights and the stored ratings."""
    loop = yaml.safe_load((RUBRICS / "loops/backend-engineer.yaml").read_text())
    rows = db.session.execute(
        sa.select(Interview.stage_key, Rating.competency_key, Rating.score)
        .join(Scorecard, Scorecard.interview_id == Interview.id)
        .join(Rating, Rating.scorecard_id == Scorecard.id)
        .where(Interview.application_id == application_id, Scorecard.status == "submitted",
               Rating.score.is_not(None))).all()
    scores = defaultdict(list)
    for stage, competency, score in rows:
        scores[stage, competency].append(score)
    stage_scores = []
    for stage in loop["stages"]:
        rubric = yaml.safe_load((RUBRICS / f"{stage['rubric']}.yaml").read_text())
        weighted = [(sum(s) / len(s), c["weight"]) for c in rubric["competencies"]
                    if (s := scores.get((stage["key"], c["key"])))]
        if weighted:
            stage_scores.append((sum(m * w for m, w in weighted) / sum(w for _, w in weighted),
                                 stage["weight"]))
    if not stage_scores:
        return None
    return sum(m * w for m, w in stage_scores) / sum(w for _, w in stage_scores)


def test_every_demo_summary_matches_the_hand_calculation(app, make_user):
    app.config["RUBRICS_DIR"] = str(RUBRICS)
    seed()
    member = make_user(Role.COMMITTEE)
    outcomes = set()
    for application_id in db.session.scalars(sa.select(Application.id)):
        found = candidate_summary(member, application_id)
        expected = by_hand(application_id)
        overall = found.summary.raw.overall
        assert (overall is None) == (expected is None)
        if expected is not None:
            assert overall == pytest.approx(expected)
        outcomes.add(found.summary.outcome)
        if found.summary.outcome in (Outcome.HIRE, Outcome.STRONG_HIRE):
            assert overall >= 2.8  # the loop's hire threshold
    # The demo shows the committee every kind of outcome it can meet.
    assert {Outcome.INCOMPLETE, Outcome.HIRE, Outcome.NO_HIRE} <= outcomes
