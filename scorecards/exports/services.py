"""Exports of applications and ratings for HR: validated, authorized, audited, streamed.

Rows come from the database through one streaming query (rows.py), and go out through a
writer a chunk at a time, so an export of a year of hiring takes as little memory as one of
a week. An export of more rows than EXPORT_JOB_ROWS is prepared as a background job by the
pages and the API (exceeds tells, counting no further than that).

Independent scoring outranks role: an export leaves out, in SQL, every application on which
the person exporting still owes a scorecard (authz.owed_applications), rows and all, until
they have submitted it. The command line has no user and exports everything.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import date

import sqlalchemy as sa

from .. import audit
from ..authz import Action, Area, owed_applications, require
from ..core.vocabulary import ApplicationStatus
from ..extensions import db
from ..models import Application, Opening, User
from . import rows
from .writers import (
    WRITERS,
    csv_header,
    lined_chunks,
    rendered_csv_chunks,
    rendered_jsonl_chunks,
    xlsx_chunks,
)

KINDS = ("applications", "ratings")
FORMATS = tuple(WRITERS)
ROWS_PER_REPORT = 1000  # how often an export tells its progress
RATING_COLUMNS = tuple(name for name, _ in rows.RATING_COLUMNS)


class ExportError(ValueError):
    """Raised for an export that cannot be made as asked; the message says what is wrong."""


# Dates a filter may name: wide enough for any record, narrow enough that the day after the
# last one, which bounds the query, is still a date every database and Python can hold.
EARLIEST_DAY, LATEST_DAY = date(1900, 1, 1), date(2999, 12, 31)


@dataclass(frozen=True)
class ExportFilter:
    """Which rows an export holds; None means no restriction."""

    opening: str | None = None  # opening key
    since: date | None = None  # applied (applications) or submitted (ratings) on or after
    until: date | None = None  # ... on or before
    status: str | None = None  # application status


@dataclass(frozen=True)
class Export:
    """A file being exported: its name, its type and its bytes, as a stream."""

    filename: str
    mimetype: str
    chunks: Iterator[bytes]


def parse_filter(opening: str | None = None, since: str | None = None,
                 until: str | None = None, status: str | None = None) -> ExportFilter:
    """Return the filter that these texts (from a form or the command line) describe.

    Blank values mean no restriction; a date that is not YYYY-MM-DD raises ExportError.
    """
    return ExportFilter(opening=(opening or "").strip() or None,
                        since=_date("start", since), until=_date("end", until),
                        status=(status or "").strip() or None)


def _date(which: str, text: str | None) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ExportError(f"The {which} date '{text}' is not a date; write it as "
                          "YYYY-MM-DD.") from None
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise ExportError(f"The {which} date {day.isoformat()} is out of range; give one "
                          f"between {EARLIEST_DAY.isoformat()} and {LATEST_DAY.isoformat()}.")
    return day


def owed_count(actor: User) -> int:
    """Return how many applications the actor's exports leave out, owing a scorecard on them."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Application)
                             .where(Application.id.in_(owed_applications(actor))))


def openings() -> list[tuple[str, str]]:
    """Return the key and title of every opening, by title, for choosing one to export."""
    return [(key, title) for key, title in db.session.execute(
        sa.select(Opening.key, Opening.title).order_by(Opening.title, Opening.key))]


def check(kind: str, fmt: str, filters: ExportFilter) -> int | None:
    """Raise ExportError unless such an export can be made; return the opening's id, if any."""
    if kind not in KINDS:
        raise ExportError(f"There is no export of '{kind}'; choose {_either(KINDS)}.")
    if fmt not in WRITERS:
        raise ExportError(f"There is no format '{fmt}'; choose {_either(FORMATS)}.")
    if filters.status is not None and filters.status not in set(ApplicationStatus):
        raise ExportError(f"There is no application status '{filters.status}'; choose "
                          f"{_either(tuple(ApplicationStatus))}.")
    if filters.since and filters.until and filters.since > filters.until:
        raise ExportError(f"The start date {filters.since.isoformat()} is after the end date "
                          f"{filters.until.isoformat()}.")
    if filters.opening is None:
        return None
    opening_id = db.session.scalar(sa.select(Opening.id).where(Opening.key == filters.opening))
    if opening_id is None:
        raise ExportError(f"There is no opening '{filters.opening}'.")
    return opening_id


def export(actor: User | None, kind: str, fmt: str, filters: ExportFilter,
           progress: Callable[[int, int], None] | None = None) -> Export:
    """Check and record an export of applications or ratings, and return its stream.

    actor None is the command line. The audit event is committed before the first byte, so
    an export that is started is on record even if the download breaks off. Applications
    the actor owes a scorecard on are left out. progress, if given, hears (rows written,
    rows expected) as the stream is read, after a count of the rows first.
    """
    if actor is not None:
        require(actor, Action.VIEW, Area.EXPORTS)
    where = _where(actor, filters, check(kind, fmt, filters))
    audit.record(actor, "export.created", None, kind=kind, format=fmt,
                 filters={name: value.isoformat() if isinstance(value, date) else value
                          for name, value in asdict(filters).items() if value is not None})
    db.session.commit()
    made = (rows.applications if kind == "applications" else rows.ratings)(where, fmt)
    stream = made.rows
    if progress is not None:
        stream = _reported(stream, _count(kind, where), progress, made.lines)
    if made.lines:
        chunks = lined_chunks(csv_header(made.columns) if fmt == "csv" else b"",
                              (block for _, block in stream))
    elif fmt == "csv":
        chunks = rendered_csv_chunks(made.columns, made.texts, stream)
    elif fmt == "jsonl":
        chunks = rendered_jsonl_chunks(made.columns, stream)
    else:
        chunks = xlsx_chunks(made.columns, stream)
    return Export(filename=_filename(kind, fmt, filters), mimetype=WRITERS[fmt][1],
                  chunks=chunks)


def exceeds(actor: User, kind: str, fmt: str, filters: ExportFilter, limit: int) -> bool:
    """Tell whether the export would hold more than limit rows, counting no further.

    Raises ExportError for an export that cannot be made as asked.
    """
    where = _where(actor, filters, check(kind, fmt, filters))
    first = _rows_query(kind, where).limit(limit + 1).subquery()
    return db.session.scalar(sa.select(sa.func.count()).select_from(first)) > limit


def _where(actor: User | None, filters: ExportFilter, opening_id: int | None) -> rows.Filter:
    since, before = rows.window(filters.since, filters.until)
    return rows.Filter(opening_id=opening_id, status=filters.status, since=since,
                       before=before,
                       hidden=None if actor is None else owed_applications(actor))


def _either(choices: tuple[str, ...]) -> str:
    return ", ".join(choices[:-1]) + " or " + choices[-1]


def _filename(kind: str, fmt: str, filters: ExportFilter) -> str:
    opening = filters.opening and re.sub(r"[^A-Za-z0-9_.-]+", "_", filters.opening)
    parts = [kind, opening, filters.status,
             filters.since and f"from-{filters.since.isoformat()}",
             filters.until and f"to-{filters.until.isoformat()}"]
    return "-".join(part for part in parts if part) + "." + fmt


def _rows_query(kind: str, where: rows.Filter) -> sa.Select:
    """Return a query of one small column per row of the export, unordered."""
    if kind == "ratings":
        query = rows.ratings_query(where).order_by(None)
    else:  # the joins to the candidate, the opening and the last decision keep every row
        query = sa.select(Application.id).select_from(Application).where(
            *rows.applications_where(where), *rows.between(Application.applied_at, where))
    return query.with_only_columns(sa.literal(1))


def _count(kind: str, where: rows.Filter) -> int:
    """Return how many rows the export will hold, as of now."""
    counted = _rows_query(kind, where).subquery()
    return db.session.scalar(sa.select(sa.func.count()).select_from(counted))


def _reported(rows: Iterator, total: int, progress: Callable[[int, int], None],
              blocks: bool = False) -> Iterator:
    """Pass the rows on, telling progress every ROWS_PER_REPORT rows and at the end.

    blocks: the rows come as (count, lines) blocks, and progress is told once per block.
    """
    done = 0
    progress(done, total)
    if blocks:
        for block in rows:
            yield block
            done += block[0]
            progress(done, total)
        return
    for done, row in enumerate(rows, start=1):
        yield row
        if done % ROWS_PER_REPORT == 0:
            progress(done, total)
    progress(done, total)
