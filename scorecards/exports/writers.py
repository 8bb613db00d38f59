"""Writers that turn rows into a stream of CSV, XLSX or JSON-lines bytes.

Each writer takes the column names and an iterator of rows (tuples of str, int, float,
datetime or None) and yields bytes a chunk at a time, so an export of any size holds only
one chunk of rows in memory. Times are written one way in every format: RFC 3339 in UTC with
Z and whole seconds (scorecards.timestamps); a workbook holds them as date cells shown so.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime

import xlsxwriter

from ..timestamps import in_utc, rfc3339

Value = str | int | float | datetime | date | None
Row = Sequence[Value]
Writer = Callable[[Sequence[str], Iterable[Row]], Iterator[bytes]]

ROWS_PER_CHUNK = 1000
BYTES_PER_CHUNK = 64 * 1024
# A spreadsheet reads a cell starting with one of these as a formula, or after stripping it
# (tab, carriage return, line feed), or as a field separator followed by a formula (";" in
# locales that split CSV on it); "|" and "%" start DDE and macro forms in some, and the full-width
# signs are read as their ASCII twins. A candidate's name must never run as code (OWASP, CSV
# injection): in CSV such text gets a leading quote, which spreadsheets show as text. A
# workbook needs none: its text cells are typed as strings, which no spreadsheet evaluates.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", ";", "|", "%",
                    "\uff1d", "\uff0b", "\uff0d", "\uff20")
# A CSV field holding one of these is quoted whole, so that no reader splits it into cells
# (";" and tab are separators in some locales and programs, not only ",").
CSV_QUOTED = frozenset(',;\t"\r\n')
_AFTER_SEPARATOR = re.compile("([,;\t\r\n])(?=[" + re.escape("".join(FORMULA_PREFIXES)) + "])")
UTF8_BOM = "\ufeff".encode()
# A workbook's date cells show the RFC 3339 text the other formats write.
DATETIME_FORMAT = 'yyyy-mm-dd"T"hh:mm:ss"Z"'
XLSX_MAX_TEXT = 32_767  # characters a cell holds
# Rows a sheet holds, its header included (Excel's and XlsxWriter's limit). Past it, XlsxWriter
# refuses each cell without a word, so the rows go on in a further sheet instead.
XLSX_MAX_ROWS = 1_048_576


def neutralise(value: str, *, csv: bool = False) -> str:
    """Return text a spreadsheet shows as text: a leading quote before a formula prefix.

    Every writer of CSV files (exports, HR's report) puts its text through this.
    For CSV, a program that splits lines on another separator (";" or tab, whatever the
    quoting) would start a cell after it: a formula prefix there gets the quote too.
    """
    if csv:
        value = _AFTER_SEPARATOR.sub(r"\1'", value)
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def csv_line(values: Iterable[Value]) -> str:
    """Return one CSV record (RFC 4180, CRLF), its text neutralised and quoted where needed.

    A field is quoted when it holds a separator of any locale's reading, a quote or a break.
    """
    return ",".join(_csv_field(_csv_cell(value)) for value in values) + "\r\n"


def _csv_field(value: Value) -> str:
    if value is None:
        return ""
    text = str(value)
    if CSV_QUOTED.isdisjoint(text):
        return text
    return '"' + text.replace('"', '""') + '"'


def _csv_cell(value: Value) -> Value:
    if isinstance(value, str):
        return neutralise(value, csv=True)
    if isinstance(value, datetime):
        return rfc3339(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def csv_header(columns: Sequence[str]) -> bytes:
    """Return the start of a CSV file: a byte-order mark (so spreadsheets read accents), names."""
    return UTF8_BOM + csv_line(columns).encode()


def csv_chunks(columns: Sequence[str], rows: Iterable[Row]) -> Iterator[bytes]:
    """Yield UTF-8 CSV with a byte-order mark and a header."""
    yield csv_header(columns)
    for batch in _batches(rows):
        yield "".join(csv_line(row) for row in batch).encode()


def _json_value(value: object) -> str:
    if isinstance(value, datetime):
        return rfc3339(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def jsonl_chunks(columns: Sequence[str], rows: Iterable[Row]) -> Iterator[bytes]:
    """Yield one JSON object per row and line, values as they are, times in RFC 3339."""
    encode = json.JSONEncoder(ensure_ascii=False, default=_json_value).encode
    for batch in _batches(rows):
        yield "".join(encode(dict(zip(columns, row, strict=True))) + "\n"
                      for row in batch).encode()


def xlsx_chunks(columns: Sequence[str], rows: Iterable[Row], sheet: str = "Export",
                rows_per_sheet: int = XLSX_MAX_ROWS) -> Iterator[bytes]:
    """Yield an XLSX workbook: bold header, times as date cells, text as string cells.

    Rows beyond a sheet's limit go on in further sheets ("Export (2)", ...), each with the
    header, so a file is never cut short. An XLSX file is a zip that is complete only when
    closed, so the workbook is written to a temporary file (XlsxWriter's constant-memory mode
    flushes each row as it goes), then streamed from it; the file is deleted when the stream
    ends or is abandoned.
    """
    with tempfile.TemporaryFile() as output:
        _write_workbook(output, columns, rows, sheet, rows_per_sheet)
        output.seek(0)
        while chunk := output.read(BYTES_PER_CHUNK):
            yield chunk


def _write_workbook(output, columns: Sequence[str], rows: Iterable[Row], sheet: str,
                    rows_per_sheet: int) -> None:
    workbook = xlsxwriter.Workbook(output, {
        "constant_memory": True,
        # Text is written with write_string only, as string cells that no spreadsheet
        # evaluates; say it twice: never a formula, a number or a link.
        "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False,
    })
    try:
        bold = workbook.add_format({"bold": True})
        when = workbook.add_format({"num_format": DATETIME_FORMAT})
        day = workbook.add_format({"num_format": "yyyy-mm-dd"})
        worksheet, number, sheets = None, rows_per_sheet, 0
        for row in rows:
            if number == rows_per_sheet:
                sheets += 1
                worksheet = workbook.add_worksheet(sheet if sheets == 1 else f"{sheet} ({sheets})")
                _write_header(worksheet, columns, bold)
                number = 1
            _write_row(worksheet, number, row, when, day)
            number += 1
        if worksheet is None:  # no rows: one sheet with the header alone
            _write_header(workbook.add_worksheet(sheet), columns, bold)
    finally:
        workbook.close()


def _write_header(worksheet, columns: Sequence[str], bold) -> None:
    for column, name in enumerate(columns):
        worksheet.write_string(0, column, name, bold)
    worksheet.freeze_panes(1, 0)


def _write_row(worksheet, number: int, row: Row, when, day) -> None:
    for column, value in enumerate(row):
        if value is None:
            continue
        if isinstance(value, str):
            worksheet.write_string(number, column, value[:XLSX_MAX_TEXT])
        elif isinstance(value, bool):
            worksheet.write_boolean(number, column, value)
        elif isinstance(value, int | float):
            worksheet.write_number(number, column, value)
        elif isinstance(value, datetime):
            # Excel has no time zones: the cell holds the UTC time.
            worksheet.write_datetime(number, column, in_utc(value).replace(tzinfo=None), when)
        elif isinstance(value, date):
            worksheet.write_datetime(number, column, value, day)
        else:
            raise TypeError(f"cannot write {type(value).__name__} to a cell")


# Rows the database rendered already: every value is its text in the file's format ("" or "null"
# for none), so a batch is joined whole. A CSV batch is checked at once for anything a field
# would need a quote or the neutraliser for; only a batch with such a field is written field by
# field, through the same neutralise and quoting as csv_line.
_FIELD, _RECORD = "\x1f", "\x1e"  # joiners no field of a clean batch holds (counted below)
# Two plain searches: one alternation anchored at every field's start is several times slower.
_QUOTABLE = re.compile("[" + re.escape("".join(sorted(CSV_QUOTED))) + "]")
_PREFIXED = re.compile("[" + _FIELD + _RECORD + "][" + re.escape("".join(FORMULA_PREFIXES)) + "]")


def _clean(joined: str) -> bool:
    """Tell whether no field of a joined batch needs quoting or neutralising."""
    return not joined.startswith(FORMULA_PREFIXES) and _QUOTABLE.search(joined) is None \
        and _PREFIXED.search(joined) is None


def rendered_csv_chunks(columns: Sequence[str], texts: Sequence[bool],
                        rows: Iterable[Sequence[str]]) -> Iterator[bytes]:
    """Yield what csv_chunks does, from rows of text; texts marks the columns of free text.

    A value of another column (a number or a time, already written as text) is never
    neutralised, as csv_line never neutralises what is not a string.
    """
    yield csv_header(columns)
    separators = len(columns) - 1
    for batch in _batches(rows):
        joined = _RECORD.join(map(_FIELD.join, batch))
        if _clean(joined) and joined.count(_RECORD) == len(batch) - 1 \
                and joined.count(_FIELD) == separators * len(batch):
            yield (joined.replace(_FIELD, ",").replace(_RECORD, "\r\n") + "\r\n").encode()
        else:
            yield "".join(_rendered_csv_line(row, texts) for row in batch).encode()


def _rendered_csv_line(row: Sequence[str], texts: Sequence[bool]) -> str:
    return ",".join(_csv_field(neutralise(value, csv=True) if text else value)
                    for value, text in zip(row, texts, strict=True)) + "\r\n"


def rendered_jsonl_chunks(columns: Sequence[str], rows: Iterable[Sequence[str]]
                          ) -> Iterator[bytes]:
    """Yield what jsonl_chunks does, from rows whose values are JSON literals already."""
    line = "{" + ", ".join(json.dumps(name, ensure_ascii=False).replace("%", "%%") + ": %s"
                           for name in columns) + "}\n"
    for batch in _batches(rows):
        yield "".join([line % row for row in batch]).encode()


def lined_chunks(header: bytes, blocks: Iterable[bytes]) -> Iterator[bytes]:
    """Yield the header, then blocks of the file's lines, written already."""
    if header:
        yield header
    yield from blocks


def _batches(rows: Iterable[Row]) -> Iterator[list[Row]]:
    batch: list[Row] = []
    for row in rows:
        batch.append(row)
        if len(batch) == ROWS_PER_CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


WRITERS: dict[str, tuple[Writer, str]] = {
    # Bare types: Flask adds "; charset=utf-8" to text types itself (once).
    "csv": (csv_chunks, "text/csv"),
    "xlsx": (xlsx_chunks,
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "jsonl": (jsonl_chunks, "application/x-ndjson; charset=utf-8"),
}
