"""Keep the summaries current in the same transaction as the change that moves them.

One listener on every flush sees what the flush wrote (applications, interviews, scorecards,
ratings), whichever service wrote it, and brings the summaries it touches up to date:
status counts by delta, stage figures recounted for the few applications concerned, and the
decision engine's result (outcomes.py) run again for the applications whose panel moved.
The applications concerned are locked first, so two changes to one application's panel are
counted one after the other, never from two snapshots that each miss the other's change.

Rows written around the ORM (a bulk load) are not seen here: ``flask aggregates refresh``
recounts everything from the records.
"""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa
from flask import Flask
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..core.vocabulary import ScorecardStatus
from ..models import Application, Interview, Rating, RubricVersion, Scorecard
from . import outcomes
from .summaries import recompute_stage_figures, shift_counts


def init_app(app: Flask) -> None:
    """Start keeping the summaries current on every session's flush (once per process)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)


# The columns each summary reads: a change to any other (a draft's evidence, a note, a
# room) moves no summary, so an autosave costs no upkeep. An interview's time orders two
# interviews of one stage, the later of which gives the stage's rubric version.
_COUNTED = {
    Interview: ("application_id", "stage_key", "cancelled_at", "rubric_version_id",
                "scheduled_at"),
    Scorecard: ("interview_id", "status", "recommendation", "interviewer_id"),
    Rating: ("scorecard_id", "competency_key", "score"),
}


def _after_flush(session: Session, _context) -> None:
    """Bring the summaries touched by this flush up to date, on the flush's own connection."""
    deltas: Counter[tuple[int, str, str]] = Counter()
    applications: set[int] = set()
    interviews: set[int] = set()
    scorecards: set[int] = set()
    rubrics: set[str] = set()
    for state, objects in (("new", session.new), ("dirty", session.dirty),
                           ("deleted", session.deleted)):
        for obj in objects:
            if isinstance(obj, Application):
                _count_move(deltas, obj, state)
            elif isinstance(obj, RubricVersion):
                rubrics.add(obj.key)
            elif state == "dirty" and not _counted_change(obj):
                continue
            elif isinstance(obj, Interview):
                applications.add(obj.application_id)
                interviews.add(obj.id)
            elif isinstance(obj, Scorecard):
                interviews.add(obj.interview_id)
            elif isinstance(obj, Rating):
                scorecards.add(obj.scorecard_id)
    if not (deltas or interviews or scorecards or rubrics):
        return
    connection = session.connection()
    if rubrics:
        outcomes.forget_loops_using(connection, rubrics)
    if scorecards:  # a score counts once submitted; the scorecard's submission moves it then
        interviews.update(connection.scalars(
            sa.select(Scorecard.interview_id).where(Scorecard.id.in_(scorecards),
                                                   Scorecard.status == ScorecardStatus.SUBMITTED)))
    interviews.discard(None)
    if interviews:
        applications.update(connection.scalars(
            sa.select(Interview.application_id).where(Interview.id.in_(interviews))))
    applications.discard(None)
    if applications:
        connection.execute(sa.select(Application.id).where(Application.id.in_(applications))
                           .order_by(Application.id).with_for_update())
    shift_counts(connection, deltas)
    recompute_stage_figures(connection, applications)
    outcomes.recompute(connection, applications)


def _counted_change(obj: object) -> bool:
    """Tell whether a changed object changed a column some summary reads."""
    columns = _COUNTED.get(type(obj), ())
    attributes = sa.inspect(obj).attrs
    return any(attributes[name].history.has_changes() for name in columns)


def _count_move(deltas: Counter, application: Application, state: str) -> None:
    """Count an application into its new status and out of its old one."""
    history = sa.inspect(application).attrs.status.history
    key = (application.opening_id, application.source)
    if state == "new":
        deltas[(key[0], application.status, key[1])] += 1
    elif state == "deleted":
        old = (history.deleted or history.unchanged or [application.status])[0]
        deltas[(key[0], old, key[1])] -= 1
    elif history.has_changes():
        for old in history.deleted:
            deltas[(key[0], old, key[1])] -= 1
        for new in history.added:
            deltas[(key[0], new, key[1])] += 1
