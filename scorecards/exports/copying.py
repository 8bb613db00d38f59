"""On PostgreSQL, whole CSV and JSON lines written by the database and read through COPY.

``COPY (SELECT ...) TO STDOUT`` is the fastest way rows leave PostgreSQL: no cursor to fetch
from a batch at a time, and the query may use parallel workers (a cursor's may not). The
query writes each line whole, text neutralised and quoted exactly as writers.csv_line does
(the same constants, and a test compares the two on every kind of text), so Python only
undoes COPY's own escapes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from ..extensions import db
from .writers import CSV_QUOTED, FORMULA_PREFIXES

NUMBER, TEXT, TIME = "number", "text", "time"  # how a column is written


@dataclass(frozen=True)
class Words:
    """How a text column of the app's own vocabulary (a status, a source) is written.

    Its words need neither neutralising, quoting nor escaping, so each is written as a
    constant; anything else the column holds is written as any text is.
    """

    words: tuple[str, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "words", tuple(str(word) for word in self.words))
        plain = [word for word in self.words if not re.fullmatch(r"[a-z][a-z0-9_]*", word)]
        if plain:
            raise ValueError(f"not plain words: {plain}")


def is_text(kind) -> bool:
    """Tell whether a column of this kind holds text (which CSV may need to neutralise)."""
    return kind == TEXT or isinstance(kind, Words)
RFC3339 = 'YYYY-MM-DD"T"HH24:MI:SS"Z"'
# writers.neutralise: a quote before a formula prefix at the start, and after a separator.
_SEPARATORS = ",;\t\r\n"
_PREFIX_CLASS = "".join(c for c in FORMULA_PREFIXES if c != "-") + "-"  # "-" last: literal
_AFTER_SEPARATOR = f"([{_SEPARATORS}])(?=[{_PREFIX_CLASS}])"
_QUOTED_CLASS = "[" + "".join(sorted(CSV_QUOTED)) + "]"
# What COPY's text format writes for the control characters it escapes (and a backslash).
_ESCAPES = ((b"\\n", b"\n"), (b"\\r", b"\r"), (b"\\t", b"\t"), (b"\\b", b"\b"),
            (b"\\f", b"\f"), (b"\\v", b"\v"))
NULL = b"\\N"


def csv_text(value) -> sa.ColumnElement[str]:
    """Return free text as a CSV field: neutralised, quoted where needed, "" for none."""
    # One test first: most text needs neither, and the full treatment costs more.
    careful = value.op("~")(f"{_QUOTED_CLASS}|^[{_PREFIX_CLASS}]")
    neutralised = sa.case((sa.func.left(value, 1).in_(FORMULA_PREFIXES), "'"), else_="") \
        .op("||")(sa.func.regexp_replace(value, _AFTER_SEPARATOR, "\\1'", "g"))
    quoted = sa.case((neutralised.op("~")(_QUOTED_CLASS),
                      sa.literal('"').op("||")(sa.func.replace(neutralised, '"', '""'))
                      .op("||")(sa.literal('"'))), else_=neutralised)
    return sa.func.coalesce(sa.case((careful, quoted), else_=value), "")


def rendered(value, kind: str, fmt: str) -> sa.ColumnElement[str]:
    """Return a value as the format writes it: CSV field or JSON literal."""
    if isinstance(kind, Words):
        written = {word: word if fmt == "csv" else json.dumps(word) for word in kind.words}
        return sa.case(written, value=value, else_=rendered(value, TEXT, fmt))
    if kind == TIME:
        text = sa.func.to_char(sa.func.timezone("UTC", value), RFC3339)
        if fmt == "jsonl":
            text = sa.literal('"').op("||")(text).op("||")(sa.literal('"'))
    elif kind == NUMBER:
        text = sa.cast(value, sa.Text)
    elif fmt == "csv":
        return csv_text(value)
    else:  # escaped as Python's json module escapes it (a test compares them)
        text = sa.cast(sa.func.to_json(value), sa.Text)
    return sa.func.coalesce(text, "" if fmt == "csv" else "null")


def line(fmt: str, columns: Sequence[tuple[str, object, object]]) -> sa.ColumnElement[str]:
    """Return the SQL of a file's line from (name, value, kind) columns."""
    return line_of(fmt, [fields(fmt, columns)])


def line_of(fmt: str, parts: Sequence[sa.ColumnElement[str]]) -> sa.ColumnElement[str]:
    """Return the SQL of a line made of parts, each the fields of some columns, in order."""
    pieces: list = [sa.literal("{")] if fmt == "jsonl" else []
    for index, part in enumerate(parts):
        if index:
            pieces.append(sa.literal("," if fmt == "csv" else ", "))
        pieces.append(part)
    if fmt == "jsonl":
        pieces.append(sa.literal("}"))
    return _joined(pieces)


def fields(fmt: str, columns: Sequence[tuple[str, object, object]]) -> sa.ColumnElement[str]:
    """Return the SQL of these columns' fields, separated, as part of a line (line_of)."""
    pieces: list = []
    for index, (name, value, kind) in enumerate(columns):
        if fmt == "csv":
            lead = "," if index else ""
        else:
            lead = (", " if index else "") + json.dumps(name, ensure_ascii=False) + ": "
        if lead:
            pieces.append(sa.literal(lead))
        pieces.append(rendered(value, kind, fmt))
    return _joined(pieces)


def _joined(pieces: list) -> sa.ColumnElement[str]:
    joined = pieces[0]
    for piece in pieces[1:]:
        joined = joined.op("||")(piece)
    return sa.type_coerce(joined, sa.Text)


def copied(query: sa.Select) -> Iterator[memoryview]:
    """Yield each row of COPY (query) TO STDOUT, its fields joined by tabs, and a line feed.

    A tab or line break inside a field comes escaped (unescape restores it), so the tabs and
    the line feeds are COPY's own. The COPY has a connection of its own: the session's stays
    free for the queries the rows need meanwhile (the panels to score).
    """
    compiled = query.compile(dialect=db.engine.dialect,
                             compile_kwargs={"render_postcompile": True})
    with db.engine.connect() as connection:
        # Compiling the many small expressions of a line costs more than it saves.
        connection.execute(sa.text("SET LOCAL jit = off"))
        # COPY takes no parameters: psycopg binds them into the statement itself.
        with connection.connection.cursor() as cursor, \
                cursor.copy(f"COPY ({compiled.string}) TO STDOUT", compiled.params) as copy:
            yield from copy


def unescape(data: bytes) -> bytes:
    """Undo COPY's text-format escapes.

    Read from the left, an escaped backslash is two backslashes; once those are split off,
    every backslash left starts a two-byte escape, so plain replacing undoes them.
    """
    if b"\\" not in data:
        return data
    pieces = data.split(b"\\\\")
    for escaped, character in _ESCAPES:
        pieces = [piece.replace(escaped, character) for piece in pieces]
    return b"\\".join(pieces)


def blocks(query: sa.Select, ending: bytes, rows: int) -> Iterator[tuple[int, bytes]]:
    """Yield (lines, bytes) blocks of this many lines of a one-column query, ending so.

    The lines are gathered in a bytearray, not kept as a list of COPY's row objects: those
    are tracked by the garbage collector, and thousands of them alive at once set off
    collections that walk the app's every object (slower than the export's own work).
    """
    batch, count = bytearray(), 0
    for data in copied(query):
        batch += data
        count += 1
        if count == rows:
            yield rows, _block(batch, ending)
            batch, count = bytearray(), 0
    if count:
        yield count, _block(batch, ending)


def _block(lines: bytearray, ending: bytes) -> bytes:
    data = bytes(lines)
    if ending != b"\n":  # every raw line feed ends a line: those in the text are escaped
        data = data.replace(b"\n", ending)
    return unescape(data)
