"""Adverse impact per step of the hiring process, by the groups candidates said they belong to.

For an opening or a loop (every opening interviewing with it) and the applications of a
period, each step is measured on its own, as the Uniform Guidelines ask (an overall pass does
not excuse a step):

- screening: of the applications, those that reached a first interview;
- each stage of the loop: of the applications that reached it and were judged (a scorecard
  submitted), those that passed it, with the funnel report's definition (more than half of
  the stage's submitted scorecards recommend hiring), read from the same stage_figures;
- overall: of the applications, those the committee decided to hire.

Groups are the answers to one self-identification question; "prefer not to say" and no answer
are counted apart and never compared. The counts are the kept monthly ones (counts.py), so a
report covers whole months and says when they were counted; the statistics are
core/fairness.py's, small cells withheld there.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from ..authz import Action, Area, require
from ..catalog.services import loop_of
from ..core.fairness import Impact, Selection, impact
from ..core.rubric import Stage
from ..exports.writers import csv_line
from ..extensions import db
from ..models import LoopVersion, Opening, User, UTCDateTime
from . import counts
from .counts import OVERALL, SCREENING, UNANSWERED, shift_month
from .questionnaire import PREFER_NOT_TO_SAY, Item
from .services import questionnaire

MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


class ReportRefused(ValueError):
    """Raised when a report is asked for with a scope or question that does not exist."""


@dataclass(frozen=True)
class Step:
    """One step of the process: each group's selection and impact, and those not compared."""

    key: str
    title: str
    groups: list[Impact]  # the question's answers, in its order
    undisclosed: Selection  # "prefer not to say" and no answer together

    @property
    def compared(self) -> int:
        """Return how many groups are large enough to compare."""
        return sum(not found.suppressed for found in self.groups)

    @property
    def adverse(self) -> list[Impact]:
        """Return the groups flagged by the four-fifths rule at this step."""
        return [found for found in self.groups if found.adverse]


@dataclass(frozen=True)
class ImpactReport:
    """The adverse-impact report of one scope, question and period."""

    scope: str  # "opening" or "loop"
    key: str
    title: str
    item: Item
    first: str  # "YYYY-MM", the first month of application counted
    last: str  # and the last
    as_of: datetime | None  # when the oldest live count read was made; None if none was
    steps: list[Step]  # screening, the loop's stages, then overall

    @property
    def enough(self) -> bool:
        """Tell whether any step has two groups large enough to compare."""
        return any(step.compared >= 2 for step in self.steps)


def impact_report(actor: User, *, opening: str | None = None, loop: str | None = None,
                  item: str = "sex", first: str, last: str) -> ImpactReport:
    """Return the adverse-impact report of an opening's or a loop's applications, by month.

    first and last are the "YYYY-MM" months of application the report covers, both included.
    For the fairness role and admins. Raises ReportRefused naming what does not exist.
    """
    require(actor, Action.VIEW, Area.FAIRNESS)
    question = question_of(item)
    scope = scope_of(opening, loop)
    table, scope_rows, oldest = counts.scoped(
        counts.SELECTIONS, scope.key if scope.kind == "loop" else None, scope.openings)
    found: dict[str, dict[str, Selection]] = defaultdict(dict)
    as_of = None
    for step, answer, reached, passed, counted in db.session.execute(
            sa.select(table.step, table.answer, sa.func.sum(table.reached),
                      sa.func.sum(table.passed), sa.type_coerce(oldest, UTCDateTime))
            .where(scope_rows, table.item == question.key, table.month >= first,
                   table.month <= last)
            .group_by(table.step, table.answer)):
        found[step][answer] = Selection(int(reached), int(passed))
        if counted is not None:
            as_of = counted if as_of is None else min(as_of, counted)
    steps = [_step(SCREENING, "Screening (applied, reached a first interview)", question,
                   found[SCREENING]),
             *(_step(stage.key, stage.title, question, found[stage.key])
               for stage in scope.stages),
             _step(OVERALL, "Overall (applied, decided hire)", question, found[OVERALL])]
    return ImpactReport(scope.kind, scope.key, scope.title, question, first, last, as_of, steps)


@dataclass(frozen=True)
class Scope:
    """What a report covers: an opening, or a loop's every opening."""

    kind: str  # "opening" or "loop"
    key: str
    title: str
    stages: tuple[Stage, ...]  # the loop's, the newest version's for a loop
    openings: list[int]


def scope_of(opening: str | None, loop: str | None) -> Scope:
    """Return the scope of an opening's or a loop's key; raise ReportRefused if there is none."""
    if (opening is None) == (loop is None):
        raise ReportRefused("name either an opening or a loop")
    if opening is not None:
        found = db.session.scalar(sa.select(Opening).where(Opening.key == opening))
        if found is None:
            raise ReportRefused(f"no opening {opening!r}")
        return Scope("opening", opening, found.title,
                     tuple(loop_of(found.loop_version).stages), [found.id])
    versions = db.session.scalars(sa.select(LoopVersion).where(LoopVersion.key == loop)
                                  .order_by(LoopVersion.version.desc())).all()
    if not versions:
        raise ReportRefused(f"no loop {loop!r}")
    newest = loop_of(versions[0])
    return Scope("loop", loop, newest.title, tuple(newest.stages), list(db.session.scalars(
        sa.select(Opening.id).where(Opening.loop_version_id.in_([v.id for v in versions])))))


def question_of(item: str) -> Item:
    """Return the configured question of this key; raise ReportRefused naming the others."""
    question = questionnaire().item(item)
    if question is None:
        raise ReportRefused(f"no question {item!r}; the questions are "
                            f"{', '.join(i.key for i in questionnaire().items)}")
    return question


def months_asked(first: str, last: str, now: datetime,
                 span: int = 12) -> tuple[dict[str, str], str | None]:
    """Return the months a query asks for, or what is wrong with them.

    A month is "YYYY-MM" (a date counts as its month); without them, the report covers the
    `span` months up to now's.
    """
    this = now.strftime("%Y-%m")
    months = {"first": first[:7] or shift_month(this, 1 - span), "last": last[:7] or this}
    for name, text, month in (("from", first, months["first"]), ("to", last, months["last"])):
        if not MONTH.fullmatch(month):
            return months, f"{name} must be a month like 2026-01, not {text!r}."
    if months["first"] > months["last"]:
        return months, "The period must end in or after the month it starts."
    return months, None


def _step(key: str, title: str, question: Item, counts: dict[str, Selection]) -> Step:
    """Return a step's impact among the question's answers; the undisclosed counted apart."""
    compared = {option.key: counts.get(option.key, Selection(0, 0))
                for option in question.options if option.key != PREFER_NOT_TO_SAY}
    apart = [counts.get(PREFER_NOT_TO_SAY, Selection(0, 0)), counts.get(UNANSWERED,
                                                                         Selection(0, 0))]
    undisclosed = Selection(sum(s.reached for s in apart), sum(s.passed for s in apart))
    return Step(key, title, impact(compared), undisclosed)


CSV_HEADER = ("step", "group", "reached", "passed", "selection_rate", "impact_ratio",
              "four_fifths_flag", "fisher_p", "z")


def report_rows(report: ImpactReport):
    """Yield the report's rows as the CSV and the API give them: withheld groups without counts.

    A withheld group's counts, rate, ratio and tests are all empty, so that no count below
    MIN_CELL is written anywhere.
    """
    for step in report.steps:
        for found in step.groups:
            if found.suppressed:
                yield (step.key, found.group, None, None, None, None, None, None, None)
                continue
            selection = found.selection
            yield (step.key, found.group, selection.reached, selection.passed,
                   round(selection.rate, 4), round_figure(found.impact_ratio), found.adverse,
                   round_figure(found.fisher_p, 6), round_figure(found.z))


def report_csv(report: ImpactReport) -> str:
    """Return the report as CSV: one row per step and group, withheld groups left blank."""
    return csv_of(CSV_HEADER, report_rows(report))


def csv_of(header: tuple[str, ...], rows) -> str:
    """Return a fairness report's rows as CSV under its header, None as an empty cell."""
    lines = [csv_line(header)]
    lines += [csv_line("" if value is None else value for value in row) for row in rows]
    return "".join(lines)


def round_figure(value: float | None, places: int = 4) -> float | None:
    """Return a figure rounded for a file or the API, None as it is."""
    return None if value is None else round(value, places)
