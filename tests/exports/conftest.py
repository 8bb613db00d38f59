"""Fixtures of the export tests: a small hiring record, readers of each format, bulk rows."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest
import sqlalchemy as sa

from scorecards.core.vocabulary import ApplicationStatus, Role, ScorecardStatus, Source
from scorecards.exports.services import ExportFilter, export
from scorecards.extensions import db
from scorecards.models import (
    Application,
    Candidate,
    Decision,
    Interview,
    Opening,
    Rating,
    Scorecard,
)

APPLIED = datetime(2024, 3, 4, 9, 30, tzinfo=UTC)


@pytest.fixture
def record(make_user, make_application, make_interview, submit):
    """Return (decided, referred, drafting): three applications at different points.

    decided: every stage scored, a decision recorded; referred: a referral with one
    submitted scorecard and a not-assessed rating; drafting: only a draft scorecard.
    """
    ana, ben, chen = (make_user(name=n, email=f"{n.split()[0].lower()}@example.com")
                      for n in ("Ana Souza", "Ben Carter", "Chen Wei"))
    decided = make_application("Zoë Ångström")
    coding = make_interview(decided, stage="coding", panel=[ana],
                            when=APPLIED + timedelta(days=3))
    design = make_interview(decided, stage="design", panel=[ben, chen],
                            when=APPLIED + timedelta(days=9))
    submit(coding.scorecards[0], {"understanding": 3, "approach": 3, "code": 3})
    submit(design.scorecards[0], {"understanding": 4, "approach": 3, "code": 3, "testing": 3})
    submit(design.scorecards[1], {"understanding": 2, "approach": 3, "code": 3, "testing": 2},
           "no_hire")
    committee = make_user(Role.COMMITTEE)
    first = Decision(application=decided, recommended_outcome="hire", explanation={},
                     final_outcome="hold", rationale="More signal on design, please.",
                     decided_by=committee, decided_at=APPLIED + timedelta(days=12))
    db.session.add(first)
    db.session.add(Decision(application=decided, recommended_outcome="hire", explanation={},
                            final_outcome="hire", rationale="Strong and consistent panel.",
                            decided_by=committee, decided_at=APPLIED + timedelta(days=14),
                            supersedes=first))
    decided.status = ApplicationStatus.DECIDED
    decided.applied_at = APPLIED
    referred = make_application("Grace Hopper", source=Source.REFERRAL, referrer="Ana Souza")
    referred.status = ApplicationStatus.INTERVIEWING
    referred.applied_at = APPLIED + timedelta(days=20)
    (card,) = make_interview(referred, stage="coding", panel=[ben],
                             when=APPLIED + timedelta(days=22)).scorecards
    submit(card, {"understanding": 2, "approach": 2, "code": None}, "no_hire")
    next(r for r in card.ratings if r.competency_key == "code").not_assessed = True
    drafting = make_application("Alan Turing")
    drafting.applied_at = APPLIED + timedelta(days=40)
    (draft,) = make_interview(drafting, stage="coding", panel=[chen]).scorecards
    draft.status = ScorecardStatus.DRAFT
    draft.ratings.append(Rating(competency_key="approach", score=4, evidence="draft"))
    db.session.commit()
    return decided, referred, drafting


def run(kind: str, fmt: str, **filters) -> bytes:
    """Return the bytes of an export made from the command line's side (no actor)."""
    return b"".join(export(None, kind, fmt, ExportFilter(**filters)).chunks)


def read_csv(data: bytes) -> list[dict]:
    """Return the rows of a CSV export, after checking its byte-order mark."""
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def read_xlsx(data: bytes) -> list[dict]:
    """Return the rows of an XLSX export with typed values (None for an empty cell)."""
    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).active
    rows = sheet.iter_rows(values_only=True)
    header = next(rows)
    return [dict(zip(header, map(_unescape, row), strict=True)) for row in rows]


def _unescape(value):
    # Control characters are stored as _xHHHH_ (as the format says); Excel shows them
    # decoded, openpyxl hands them back as stored.
    if not isinstance(value, str):
        return value
    return re.sub(r"_x([0-9A-F]{4})_", lambda m: chr(int(m.group(1), 16)), value)


def read_jsonl(data: bytes) -> list[dict]:
    """Return the objects of a JSON-lines export, one per line."""
    return [json.loads(line) for line in data.decode("utf-8").splitlines()]


READERS: dict[str, Callable[[bytes], list[dict]]] = {
    "csv": read_csv, "xlsx": read_xlsx, "jsonl": read_jsonl}


@pytest.fixture
def bulk_ratings(app, catalog, make_user) -> Callable[[int], int]:
    """Return a function that stores about n submitted ratings fast; it returns how many."""
    from scorecards.catalog.services import latest_rubric_version

    def store(n: int) -> int:
        panel = [make_user(Role.INTERVIEWER).id for _ in range(5)]
        opening = Opening(key="bulk-opening", title="Bulk", loop_version=catalog)
        db.session.add(opening)
        db.session.commit()
        rubric_id = latest_rubric_version("test-design").id
        keys = ("understanding", "approach", "code", "testing")
        count = -(-n // (len(panel) * len(keys)))
        when = datetime(2024, 1, 1, tzinfo=UTC)
        candidates = _insert(Candidate, [{"name": f"Bulk {i}"} for i in range(count)])
        applications = _insert(Application, [
            {"candidate_id": c, "opening_id": opening.id, "source": "applied",
             "status": "interviewing", "applied_at": when} for c in candidates])
        interviews = _insert(Interview, [
            {"application_id": a, "stage_key": "design", "rubric_version_id": rubric_id,
             "scheduled_at": when} for a in applications])
        scorecards = _insert(Scorecard, [
            {"interview_id": i, "interviewer_id": who, "interview_at": when,
             "status": "submitted", "recommendation": "hire", "submitted_at": when}
            for i in interviews for who in panel])
        rows = [{"scorecard_id": s, "competency_key": key, "score": 1 + (s + n) % 4,
                 "evidence": "Explained the trade-offs of each approach before coding."}
                for s in scorecards for n, key in enumerate(keys)]
        db.session.execute(sa.insert(Rating), rows)
        db.session.commit()
        return len(rows)

    return store


def _insert(model, rows: list[dict]) -> list[int]:
    return list(db.session.scalars(
        sa.insert(model).returning(model.id, sort_by_parameter_order=True), rows))
