"""A workbook is never cut short: rows past a sheet's limit go on in further sheets."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import openpyxl
import pytest
import xlsxwriter.worksheet

from scorecards.exports.writers import XLSX_MAX_ROWS, xlsx_chunks

COLUMNS = ("application_id", "candidate", "applied_at")


def _rows(count: int):
    return [(n, f"Candidate {n}", datetime(2026, 1, 1, 9, n % 60, tzinfo=UTC))
            for n in range(1, count + 1)]


def _sheets(rows, rows_per_sheet: int) -> dict[str, list[tuple]]:
    data = b"".join(xlsx_chunks(COLUMNS, rows, rows_per_sheet=rows_per_sheet))
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    try:
        return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book}
    finally:
        book.close()


def test_the_limit_is_the_one_spreadsheets_and_xlsxwriter_hold():
    assert XLSX_MAX_ROWS == xlsxwriter.worksheet.Worksheet().xls_rowmax == 2 ** 20


@pytest.mark.parametrize(("count", "titles"), [
    (0, ["Export"]),
    (2, ["Export"]),
    (4, ["Export", "Export (2)"]),  # exactly full sheets: no empty third one
    (5, ["Export", "Export (2)", "Export (3)"]),
])
def test_rows_past_a_sheet_s_limit_go_on_in_further_sheets_each_with_the_header(count, titles):
    sheets = _sheets(_rows(count), rows_per_sheet=3)  # the header and two rows a sheet
    assert list(sheets) == titles
    assert all(rows[0] == COLUMNS for rows in sheets.values())
    written = [row for rows in sheets.values() for row in rows[1:]]
    assert [row[0] for row in written] == list(range(1, count + 1))
    assert all(len(rows) <= 3 for rows in sheets.values())
