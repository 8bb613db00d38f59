"""The decision engine's result per application, kept so that an export is one query.

An export of the year lists 1.5 million applications with their stage scores, overall score
and recommended outcome, as the committee's summary computes them before any calibration.
Running the engine while the file is written kept the export at the engine's pace, tens of
times slower than the database can send rows; so the result is stored per application
(``application_outcomes``), recomputed whenever a change moves its panel (upkeep.py), and
the export joins it.

Only applications with an interview have a row: one never interviewed has its loop's result
for an empty panel, which an export computes once per loop. Rows can be missing (after the
migration, after a bulk load, after a new rubric version changes what an unheld stage is
scored with): ``fill_missing`` computes those an export needs before it starts, and
``flask aggregates refresh --only outcomes`` computes them all.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from hashlib import blake2b

import sqlalchemy as sa

from ..catalog.services import loop_of, newest_rubrics, rubric_of
from ..committee.services import panels
from ..core.decision import recommend
from ..core.panel import PanelScorecard
from ..core.rubric import Loop, Rubric, stage_rubrics
from ..core.scale import rounded
from ..extensions import db
from ..models import (
    Application,
    ApplicationOutcome,
    Interview,
    LoopVersion,
    Opening,
    RubricVersion,
    utcnow,
)

SCORED_KEPT = 20_000  # distinct panels whose results are kept while many are scored
BATCH = 2_000  # applications scored, locked and written at a time
OVERALL = "overall"


def score_column(stage: str) -> str:
    """Return the name of a stage's score, in exports and in the stored scores."""
    return f"score_{stage}"


class Scoring:
    """Scores panels with the engine, parsing each loop and rubric version once.

    The engine's result depends only on the panel's content (its scores, recommendations,
    stages, and which scorecards share an interviewer or an interview), so a panel that
    reads the same as one met before, its ids apart, takes that one's result: most
    applications' panels are one screening call, and many of those score alike.
    """

    def __init__(self) -> None:
        self.loops: dict[int, Loop] = {}
        self.rubrics: dict[int, Rubric] = {}
        self.newest = newest_rubrics()
        self.scored: OrderedDict[bytes, tuple[dict, str]] = OrderedDict()  # newest used last

    def outcomes(self, application_ids: Sequence[int]) -> dict[int, tuple[dict, str]]:
        """Return each application's (scores, outcome) from its interviews and panel."""
        if not application_ids:
            return {}
        loops: dict[int, int] = {}
        used: dict[int, dict[str, int]] = {}
        # Later interviews of a stage win, as on the committee's summary.
        for application_id, loop_id, stage, rubric_id in db.session.execute(
                sa.select(Interview.application_id, Opening.loop_version_id,
                          Interview.stage_key, Interview.rubric_version_id)
                .join(Interview.application).join(Application.opening)
                .where(Interview.application_id.in_(application_ids))
                .order_by(Interview.scheduled_at, Interview.id)):
            loops[application_id] = loop_id
            used.setdefault(application_id, {})[stage] = rubric_id
        self._load(set(loops.values()), {version for stages in used.values()
                                         for version in stages.values()})
        found = panels(list(loops))
        return {application_id: self.result(loop_id, used[application_id],
                                            found.get(application_id, []))
                for application_id, loop_id in loops.items()}

    def empty(self, loop_ids: Iterable[int]) -> dict[int, tuple[dict, str]]:
        """Return the result of no panel at all under each of these loop versions."""
        ids = set(loop_ids)
        self._load(ids, set())
        return {loop_id: self.result(loop_id, {}, []) for loop_id in ids}

    def result(self, loop_id: int, used: dict[str, int],
               panel: list[PanelScorecard]) -> tuple[dict, str]:
        """Return the scores and outcome of a panel under a loop version and rubrics used."""
        # The panel's digest, not the panel: a loop's full panel is kilobytes of tuples.
        key = blake2b(repr((loop_id, sorted(used.items()), _shape(panel))).encode(),
                      digest_size=16).digest()
        found = self.scored.get(key)
        if found is None:
            if len(self.scored) >= SCORED_KEPT:  # memory stays flat at any size
                self.scored.popitem(last=False)
            found = self.scored[key] = self._score(loop_id, used, panel)
        else:
            self.scored.move_to_end(key)
        return found

    def _score(self, loop_id: int, used: dict[str, int],
               panel: list[PanelScorecard]) -> tuple[dict, str]:
        loop = self.loops[loop_id]
        rubrics = stage_rubrics(loop, {stage: self.rubrics[version_id]
                                       for stage, version_id in used.items()}, self.newest)
        summary = recommend(loop, rubrics, panel)
        scores = {score_column(stage.key): rounded(stage.score) for stage in summary.raw.stages}
        scores[OVERALL] = rounded(summary.raw.overall)
        return scores, summary.outcome.value

    def _load(self, loop_ids: set[int], rubric_ids: set[int]) -> None:
        """Parse the versions of these ids not met yet."""
        if missing := loop_ids - self.loops.keys():
            for version in db.session.scalars(sa.select(LoopVersion)
                                              .where(LoopVersion.id.in_(missing))):
                self.loops[version.id] = loop_of(version)
        if missing := rubric_ids - self.rubrics.keys():
            for version in db.session.scalars(sa.select(RubricVersion)
                                              .where(RubricVersion.id.in_(missing))):
                self.rubrics[version.id] = rubric_of(version)


def _shape(panel: list[PanelScorecard]) -> tuple:
    """Return the panel's content with its interviewers and interviews numbered in order."""
    if not panel:
        return ()
    people = {who: n for n, who in enumerate(sorted({card.interviewer_id for card in panel}))}
    held = {which: n for n, which in enumerate(sorted({card.interview_id for card in panel}))}
    return tuple(sorted((card.stage, held[card.interview_id], people[card.interviewer_id],
                         card.recommendation.value, tuple(sorted(card.scores.items(),
                                                                 key=_by_key)))
                        for card in panel))


def _by_key(item: tuple[str, int | None]) -> str:
    return item[0]


def recompute(connection: sa.Connection, application_ids: Iterable[int],
              scoring: Scoring | None = None) -> None:
    """Replace the stored results of these applications (locked by the caller)."""
    ids = sorted(set(application_ids))
    if not ids:
        return
    connection.execute(sa.delete(ApplicationOutcome)
                       .where(ApplicationOutcome.application_id.in_(ids)))
    _insert(connection, (scoring or Scoring()).outcomes(ids))


def _insert(connection: sa.Connection, found: dict[int, tuple[dict, str]]) -> None:
    now = utcnow()
    if found:
        connection.execute(sa.insert(ApplicationOutcome), [
            {"application_id": application_id, "scores": scores, "outcome": outcome,
             "computed_at": now}
            for application_id, (scores, outcome) in sorted(found.items())])


def missing(*where: sa.ColumnElement[bool]) -> sa.Select:
    """Return the ids of applications matching where that have an interview and no result."""
    return (sa.select(Application.id)
            .where(*where,
                   sa.exists().where(Interview.application_id == Application.id),
                   ~sa.exists().where(ApplicationOutcome.application_id == Application.id))
            .order_by(Application.id))


def fill_missing(*where: sa.ColumnElement[bool]) -> int:
    """Compute and store the results missing for applications matching where; return how many.

    Each batch locks its applications before reading their panels, as a change to a panel
    does, so a result stored here is never older than a change saved meanwhile; each batch
    is committed.
    """
    scoring, filled = Scoring(), 0
    for ids in _batches(db.session.scalars(missing(*where)).all()):
        connection = db.session.connection()
        locked = connection.scalars(
            sa.select(Application.id).where(Application.id.in_(ids))
            .order_by(Application.id).with_for_update()).all()
        # A change may have stored some of them (or removed an application) meanwhile.
        todo = sorted(set(locked) - set(connection.scalars(
            sa.select(ApplicationOutcome.application_id)
            .where(ApplicationOutcome.application_id.in_(locked)))))
        _insert(connection, scoring.outcomes(todo))
        db.session.commit()
        filled += len(todo)
    return filled


def rebuild() -> int:
    """Recompute every stored result from the records; return how many rows there are."""
    if db.session.get_bind().dialect.name == "postgresql":
        # As the other kept summaries' rebuilds: changes saved meanwhile wait for this one.
        db.session.execute(sa.text("LOCK TABLE application_outcomes IN EXCLUSIVE MODE"))
    db.session.execute(sa.delete(ApplicationOutcome))
    scoring = Scoring()
    interviewed = (sa.select(Interview.application_id).distinct()
                   .order_by(Interview.application_id))
    for ids in _batches(db.session.scalars(interviewed).all()):
        _insert(db.session.connection(), scoring.outcomes(ids))
    return db.session.scalar(sa.select(sa.func.count()).select_from(ApplicationOutcome))


def forget_loops_using(connection: sa.Connection, rubric_keys: set[str]) -> int:
    """Remove the results of applications whose loop scores a stage with one of these rubrics.

    Called when a new version of a rubric is stored: a stage nobody has interviewed for yet
    is scored with the newest version, so those results may move. Return how many.
    """
    loops = [version.id for version in db.session.scalars(sa.select(LoopVersion))
             if any(stage.rubric in rubric_keys for stage in loop_of(version).stages)]
    if not loops:
        return 0
    of_loops = sa.select(Application.id).join(Application.opening) \
        .where(Opening.loop_version_id.in_(loops))
    return connection.execute(sa.delete(ApplicationOutcome).where(
        ApplicationOutcome.application_id.in_(of_loops))).rowcount


def _batches(ids: Sequence[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), BATCH):
        yield list(ids[start:start + BATCH])
