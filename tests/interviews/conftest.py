"""Fixtures for the interviewer's pages: a panel, and form posts as a browser sends them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from scorecards.extensions import db
from scorecards.models import Scorecard


def form(version: int, recommendation: str | None = "hire", action: str = "save",
         **ratings) -> dict[str, str]:
    """Return a scorecard form post; ratings map a competency to (score, evidence)."""
    data = {"version": str(version), "action": action, "takeaways": "Clear thinker.",
            "private_note": "Knows someone on the team."}
    if recommendation:
        data["recommendation"] = recommendation
    for key, (score, evidence) in ratings.items():
        if score is not None:
            data[f"rating-{key}-score"] = str(score)
        data[f"rating-{key}-evidence"] = evidence
    return data


COMPLETE = {"understanding": (3, "Asked about empty input."),
            "approach": (4, "Compared a heap with sorting and proved the cost."),
            "code": (3, "Readable, small functions.")}


def fresh(scorecard: Scorecard) -> Scorecard:
    """Return the scorecard as stored now, not as this session remembers it."""
    db.session.expire_all()
    return db.session.scalar(sa.select(Scorecard).where(Scorecard.id == scorecard.id))


_TABLE = re.compile(r"\s*(?:SELECT\b.*?\bFROM|INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(\w+)",
                    re.S | re.I)


@contextmanager
def statements(engine: sa.Engine) -> Iterator[list[tuple[str, int]]]:
    """Record the statements run meanwhile as ("UPDATE ratings", rows of parameters)."""
    run: list[tuple[str, int]] = []

    def record(connection, cursor, statement, parameters, context, executemany):
        table = _TABLE.match(statement)[1]
        run.append((f"{statement.split(None, 1)[0].upper()} {table}",
                    len(parameters) if executemany else 1))

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield run
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
