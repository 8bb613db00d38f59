"""Exports stream: memory stays flat however many rows there are.

Tracing makes Python several times slower, so one format per kind is traced beside XLSX;
bench/exports.py compares peaks across sizes for every format.
"""

import tracemalloc

import pytest

from scorecards.exports.services import ExportFilter, export

LIMIT = 50 * 1024 * 1024


@pytest.mark.parametrize(("kind", "fmt"), [("ratings", "csv"), ("ratings", "xlsx"),
                                           ("applications", "jsonl")])
def test_twenty_thousand_ratings_export_in_bounded_memory(bulk_ratings, kind, fmt):
    assert bulk_ratings(20_000) >= 20_000
    made = export(None, kind, fmt, ExportFilter())
    size = 0
    tracemalloc.start()
    try:
        for chunk in made.chunks:
            size += len(chunk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert size > 100_000
    assert peak < LIMIT, f"peak {peak / 2**20:.1f} MiB"
