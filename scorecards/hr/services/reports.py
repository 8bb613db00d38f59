"""An opening's hiring report: the funnel through the loop's stages, and how long deciding takes.

The counts are read from the summary tables (analytics/summaries.py): the opening's status
counts and one stage_figures row per application and stage, kept current as applications
move, so a report adds up a few hundred rows instead of joining the year's interviews.

Independent scoring outranks role: the applications on which the viewer still owes a
scorecard are left out of every figure (not only the scoring ones, so that all the figures
count the same applications), and the report says how many were left out.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa

from ...analytics.summaries import LIVE_INTERVIEW
from ...authz import owed_applications
from ...catalog.services import loop_of
from ...core.vocabulary import ApplicationStatus, Source
from ...exports.writers import csv_line
from ...extensions import db
from ...models import (
    Application,
    ApplicationCount,
    Decision,
    Interview,
    Opening,
    StageFigures,
    User,
)

SECONDS_PER_DAY = 86_400


@dataclass(frozen=True)
class Figures:
    """How many applications reached a stage, and how many of them passed it."""

    reached: int = 0
    passed: int = 0
    awaiting: int = 0  # reached, with no scorecard of the stage submitted yet

    @property
    def judged(self) -> int:
        """Return the applications with at least one submitted scorecard of the stage."""
        return self.reached - self.awaiting

    @property
    def pass_rate(self) -> float | None:
        """Return the share of judged applications that passed, or None if none was judged."""
        return self.passed / self.judged if self.judged else None

    def __add__(self, other: Figures) -> Figures:
        return Figures(self.reached + other.reached, self.passed + other.passed,
                       self.awaiting + other.awaiting)


@dataclass(frozen=True)
class StageFunnel:
    """One stage of the loop, for all applications and split by referral."""

    key: str
    title: str
    referral: Figures
    other: Figures

    @property
    def all(self) -> Figures:
        """Return the figures of every application, whatever its source."""
        return self.referral + self.other


@dataclass(frozen=True)
class TimeToDecision:
    """Days from an application's first interview to its latest decision."""

    decided: int
    median_days: float | None
    p90_days: float | None


@dataclass(frozen=True)
class Report:
    """The funnel and timing of one opening."""

    opening: Opening
    applications: int
    referrals: int
    stages: list[StageFunnel]
    time_to_decision: TimeToDecision
    left_out: int = 0  # applications the viewer owes a scorecard on, in no figure

    @property
    def others(self) -> int:
        """Return the applications that did not come through a referral."""
        return self.applications - self.referrals


def opening_report(opening: Opening, viewer: User | None) -> Report:
    """Return the funnel per stage and the time to decision of an opening, as viewer sees it.

    viewer None, as for a caller with no user, sees every application. The counts come from
    the summary tables (kept current as applications move), less the applications the
    viewer owes a scorecard on, whose own summary rows are subtracted.
    """
    shown = [Application.opening_id == opening.id]
    by_source: Counter[str] = Counter()
    for source, count in db.session.execute(
            sa.select(ApplicationCount.source, sa.func.sum(ApplicationCount.applications))
            .where(ApplicationCount.opening_id == opening.id)
            .group_by(ApplicationCount.source)):
        by_source[source] += int(count)
    owed = None
    if viewer is not None:
        owed = owed_applications(viewer)
        for source, count in db.session.execute(
                sa.select(Application.source, sa.func.count())
                .where(*shown, Application.id.in_(owed)).group_by(Application.source)):
            by_source[source] -= count
        shown.append(Application.id.not_in(owed))
    left_out = 0 if owed is None else _left_out(opening, owed)
    figures = _stage_figures(opening, owed)
    loop = loop_of(opening.loop_version)
    stages = [StageFunnel(stage.key, stage.title,
                          figures.get((stage.key, True), Figures()),
                          figures.get((stage.key, False), Figures()))
              for stage in loop.stages]
    return Report(opening, sum(by_source.values()), by_source[Source.REFERRAL], stages,
                  _time_to_decision(shown), left_out)


def _left_out(opening: Opening, owed: sa.Select) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Application)
                             .where(Application.opening_id == opening.id,
                                    Application.id.in_(owed)))


def _stage_figures(opening: Opening, owed: sa.Select | None
                   ) -> dict[tuple[str, bool], Figures]:
    """Return (stage key, is referral) -> figures of the opening, added up from stage_figures.

    A stage is passed when more than half of its submitted scorecards recommend hiring.
    """
    passed = sa.case((StageFigures.hires * 2 > StageFigures.submitted, 1), else_=0)
    awaiting = sa.case((StageFigures.submitted == 0, 1), else_=0)
    query = (sa.select(StageFigures.stage_key, StageFigures.referral, sa.func.count(),
                       sa.func.sum(passed), sa.func.sum(awaiting))
             .where(StageFigures.opening_id == opening.id)
             .group_by(StageFigures.stage_key, StageFigures.referral))
    if owed is not None:
        query = query.where(StageFigures.application_id.not_in(owed))
    return {(stage, bool(referral)): Figures(reached, passed or 0, waiting or 0)
            for stage, referral, reached, passed, waiting in db.session.execute(query)}


def _time_to_decision(shown: list) -> TimeToDecision:
    """Return the days from first interview to latest decision over decided applications."""
    rows = db.session.execute(
        sa.select(sa.func.min(Interview.scheduled_at), sa.func.max(Decision.decided_at))
        .select_from(Application)
        .join(Interview, Interview.application_id == Application.id)
        .join(Decision, Decision.application_id == Application.id)
        .where(*shown, LIVE_INTERVIEW, Application.status == ApplicationStatus.DECIDED)
        .group_by(Application.id)).all()
    days = sorted((decided - first).total_seconds() / SECONDS_PER_DAY for first, decided in rows)
    return TimeToDecision(len(days), percentile(days, 0.5), percentile(days, 0.9))


def percentile(ordered: list[float], share: float) -> float | None:
    """Return the value below which this share of the sorted values lies, interpolating."""
    if not ordered:
        return None
    position = (len(ordered) - 1) * share
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


CSV_HEADER = ("stage_key", "stage", "reached", "passed", "awaiting_scorecards", "pass_rate",
              "referral_reached", "referral_passed", "referral_pass_rate",
              "other_reached", "other_passed", "other_pass_rate")


def report_csv(report: Report) -> str:
    """Return the report's stage table as CSV, one row per stage of the loop."""
    lines = [csv_line(CSV_HEADER)]
    for stage in report.stages:
        every = stage.all
        lines.append(csv_line([stage.key, stage.title, every.reached, every.passed,
                               every.awaiting, _rate(every), stage.referral.reached,
                               stage.referral.passed, _rate(stage.referral),
                               stage.other.reached, stage.other.passed, _rate(stage.other)]))
    return "".join(lines)


def _rate(figures: Figures) -> str:
    return "" if figures.pass_rate is None else f"{figures.pass_rate:.3f}"
