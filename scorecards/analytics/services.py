"""Read the statistics of the analytics pages from the stored scorecards."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter

import sqlalchemy as sa

from ..core.agreement import PanelAgreement, panel_agreement
from ..core.panel import PanelRating
from ..core.vocabulary import ScorecardStatus
from ..extensions import db
from ..models import Interview, Rating, RubricVersion, Scorecard

# Rows fetched from the database at a time: five million ratings never sit in memory as rows.
_BATCH = 2_000


@dataclass(frozen=True)
class RubricAgreement:
    """How far the panels that scored with one rubric agree."""

    key: str
    title: str  # the title of the rubric's newest version
    agreement: PanelAgreement


def agreement_by_rubric() -> list[RubricAgreement]:
    """Return the panel agreement of every stored rubric, ordered by title.

    All versions of a rubric are pooled. Each rated unit is one competency of one interview,
    and an interview is scored with a single version, so a unit never mixes versions; pooling
    only puts the units of all versions into one figure. The versions of a rubric share their
    competencies in practice (an edit rewords anchors or questions), and a figure per version
    would start again from "not enough panels" after every edit. A rubric no panel has scored
    yet comes back with empty statistics.
    """
    titles = _latest_titles()
    agreements = {key: panel_agreement(ratings) for key, ratings in _ratings_by_rubric()}
    empty = panel_agreement(())
    return [RubricAgreement(key, title, agreements.get(key, empty))
            for key, title in titles]


def _latest_titles() -> list[tuple[str, str]]:
    """Return (key, title) of the newest version of each rubric, ordered by title."""
    newest = (sa.select(RubricVersion.key, sa.func.max(RubricVersion.version).label("version"))
              .group_by(RubricVersion.key).subquery())
    return [(key, title) for key, title in db.session.execute(
        sa.select(RubricVersion.key, RubricVersion.title)
        .join(newest, sa.and_(RubricVersion.key == newest.c.key,
                              RubricVersion.version == newest.c.version))
        .order_by(RubricVersion.title, RubricVersion.key))]


def _ratings_by_rubric() -> Iterator[tuple[str, Iterable[PanelRating]]]:
    """Yield each rubric key with its submitted scores, streamed by one query for all rubrics.

    Rows come sorted by rubric key, so each rubric's ratings are read as they arrive and
    handed on without being gathered first.
    """
    rows = db.session.execute(
        sa.select(RubricVersion.key, Interview.id, Interview.stage_key,
                  Scorecard.interviewer_id, Rating.competency_key, Rating.score)
        .select_from(Rating)
        .join(Rating.scorecard).join(Scorecard.interview).join(Interview.rubric_version)
        # Not-assessed scores are NULL and count toward no statistic: leave them in the database.
        .where(Scorecard.status == ScorecardStatus.SUBMITTED, Rating.score.is_not(None))
        .order_by(RubricVersion.key)
        .execution_options(yield_per=_BATCH))
    for key, group in groupby(rows, key=itemgetter(0)):
        yield key, (PanelRating(interview_id, stage, interviewer_id, competency, score)
                    for _, interview_id, stage, interviewer_id, competency, score in group)
