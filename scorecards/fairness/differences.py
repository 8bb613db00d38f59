"""Do groups get different scores? Per competency and per interviewer, d with its interval.

For an opening or a loop, a period of whole months and one self-identification question,
from the kept score sums (counts.py):

- per stage and competency: each application's mean score over its panel, compared between
  each group and the reference group (the largest group that answered: the most scores);
- per stage and interviewer: each of their scorecards' mean rating, compared the same way.

d is the difference of the means in pooled standard deviations (core/fairness.py): -0.5
means the group's scores sat half a standard deviation below the reference group's. A
difference is flagged only when its 95% interval leaves zero out and both groups have
MIN_COMPARED scores or more; a group with fewer than MIN_CELL scores shows nothing. A
difference in scores is not by itself unfair (groups can differ in what the competency
measures); a flagged one is a reason to read the evidence behind the scores.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from ..authz import Action, Area, require
from ..catalog.services import newest_rubrics
from ..core.fairness import MIN_CELL, Comparison, Scores, compare_scores
from ..extensions import db
from ..models import User, UTCDateTime
from . import counts
from .questionnaire import PREFER_NOT_TO_SAY, Item
from .reports import csv_of, question_of, round_figure, scope_of

PANEL = 0  # ScoreSum.interviewer_id of the sums per competency


@dataclass(frozen=True)
class Row:
    """One competency's or one interviewer's scores at a stage, by group."""

    stage: str
    stage_title: str
    subject: str  # a competency's key, or an interviewer's id as text
    title: str  # the competency's title, or the interviewer's name
    groups: list[Comparison]  # the question's answers, in its order

    @property
    def flagged(self) -> list[Comparison]:
        """Return the groups whose scores differ from the reference group's, flagged."""
        return [found for found in self.groups if found.flagged]


@dataclass(frozen=True)
class DifferenceReport:
    """The score differences of one scope, question and months."""

    scope: str
    key: str
    title: str
    item: Item
    first: str
    last: str
    as_of: datetime | None
    reference: str | None  # the largest group that answered; None if nobody did
    competencies: list[Row]
    interviewers: list[Row]  # those with a group beyond MIN_CELL besides the reference

    @property
    def stages(self) -> list[tuple[str, list[Row]]]:
        """Return the competencies' rows by stage title, in the loop's order."""
        grouped: dict[str, list[Row]] = {}
        for row in self.competencies:
            grouped.setdefault(row.stage_title, []).append(row)
        return list(grouped.items())


def score_differences(actor: User, *, opening: str | None = None, loop: str | None = None,
                      item: str = "sex", first: str, last: str) -> DifferenceReport:
    """Return how the scores of the question's groups differ, per competency and interviewer.

    For the fairness role and admins. Raises ReportRefused naming what does not exist.
    """
    require(actor, Action.VIEW, Area.FAIRNESS)
    question = question_of(item)
    scope = scope_of(opening, loop)
    table, scope_rows, oldest = counts.scoped(
        counts.SCORES, scope.key if scope.kind == "loop" else None, scope.openings)
    within = (scope_rows, table.item == question.key, table.month >= first, table.month <= last)
    compared = [option.key for option in question.options if option.key != PREFER_NOT_TO_SAY]
    panels: dict[tuple[str, str], dict[str, Scores]] = defaultdict(dict)
    for stage, competency, answer, n, total, squares in db.session.execute(
            sa.select(table.stage, table.competency, table.answer, sa.func.sum(table.n),
                      sa.func.sum(table.total), sa.func.sum(table.squares))
            .where(*within, table.interviewer_id == PANEL)
            .group_by(table.stage, table.competency, table.answer)):
        panels[stage, competency][answer] = Scores(int(n), float(total), float(squares))
    reference = _largest(panels, compared)
    if reference is None:
        return DifferenceReport(scope.kind, scope.key, scope.title, question, first, last,
                                None, None, [], [])
    as_of = db.session.scalar(sa.select(sa.type_coerce(oldest, UTCDateTime)).where(*within))
    titles = {stage.key: stage.title for stage in scope.stages}
    order = {stage.key: index for index, stage in enumerate(scope.stages)}
    rubric = newest_rubrics()
    competencies = []
    for (stage, competency), groups in panels.items():
        found = rubric(_rubric_key(scope, stage))
        keys = [c.key for c in found.competencies] if found else []
        competencies.append((
            order.get(stage, len(order)),
            keys.index(competency) if competency in keys else len(keys),
            Row(stage, titles.get(stage, stage), competency,
                found.competency(competency).title if competency in keys else competency,
                compare_scores({key: groups.get(key, EMPTY) for key in compared}, reference))))
    interviewers = [
        Row(stage, titles.get(stage, stage), str(interviewer), name, compare_scores(
            {key: Scores(int(figures[3 * at]), float(figures[3 * at + 1]),
                         float(figures[3 * at + 2])) for at, key in enumerate(compared)},
            reference))
        for stage, interviewer, name, *figures in _interviewers(table, within, compared,
                                                                 reference)]
    interviewers.sort(key=lambda row: (not row.flagged, order.get(row.stage, len(order)),
                                       row.title))
    return DifferenceReport(
        scope.kind, scope.key, scope.title, question, first, last, as_of, reference,
        [row for *_, row in sorted(competencies, key=lambda found: found[:2])], interviewers)


EMPTY = Scores(0, 0.0, 0.0)


def _interviewers(table, within, compared: list[str], reference: str) -> list:
    """Return (stage, interviewer, name, then n, total, squares per compared answer) rows.

    Only interviewers who scored MIN_CELL or more of the reference group and of another: on
    a loop's year, most of the tens of thousands of (interviewer, stage, answer) sums are
    of groups too small to compare, so the database leaves them out.
    """
    def of(answer: str, column) -> sa.ColumnElement:
        return sa.func.coalesce(sa.func.sum(sa.case((table.answer == answer, column))), 0)

    sums = [of(answer, getattr(table, name)) for answer in compared
            for name in ("n", "total", "squares")]
    others = [of(answer, table.n) >= MIN_CELL for answer in compared if answer != reference]
    if not others:
        return []
    return db.session.execute(
        sa.select(table.stage, table.interviewer_id, User.name, *sums)
        .join(User, User.id == table.interviewer_id)
        .where(*within, table.interviewer_id != PANEL)
        .group_by(table.stage, table.interviewer_id, User.name)
        .having(of(reference, table.n) >= MIN_CELL, sa.or_(*others))).all()


def _largest(panels: dict, compared: list[str]) -> str | None:
    """Return the answer with the most scores in the panels' sums, first in order on a tie."""
    totals = dict.fromkeys(compared, 0)
    for groups in panels.values():
        for answer, scores in groups.items():
            if answer in totals:
                totals[answer] += scores.n
    best = max(compared, key=lambda answer: totals[answer], default=None)
    return best if best is not None and totals[best] else None


def _rubric_key(scope, stage: str) -> str:
    return next((s.rubric for s in scope.stages if s.key == stage), stage)


CSV_HEADER = ("stage", "competency", "interviewer", "group", "reference", "n", "mean",
              "reference_n", "reference_mean", "d", "d_low", "d_high", "flagged")


def difference_rows(report: DifferenceReport) -> Iterator[tuple]:
    """Yield the report's rows as the CSV and the API give them: withheld groups blank.

    The reference group has no row of its own (its n and mean are on every other); a group
    with fewer than MIN_CELL scores is a row without figures.
    """
    for kind, rows in (("competency", report.competencies),
                       ("interviewer", report.interviewers)):
        for row in rows:
            base = next(c for c in row.groups if c.group == report.reference)
            for found in row.groups:
                if found.group == report.reference:
                    continue
                subject = ((row.subject, None) if kind == "competency"
                           else (None, row.title))
                difference = found.difference
                if found.withheld or base.withheld or difference is None:
                    yield (row.stage, *subject, found.group, report.reference, *[None] * 8)
                    continue
                yield (row.stage, *subject, found.group, report.reference, found.scores.n,
                       round_figure(found.scores.mean), base.scores.n,
                       round_figure(base.scores.mean), round_figure(difference.d),
                       round_figure(difference.low), round_figure(difference.high),
                       found.flagged)


def difference_csv(report: DifferenceReport) -> str:
    """Return the report as CSV: one row per competency or interviewer and group."""
    return csv_of(CSV_HEADER, difference_rows(report))
