"""Text written by the database (and PostgreSQL's COPY) is byte for byte what the writers write.

The CSV and JSON-lines exports render their rows in SQL; the reference is the writers'
csv_chunks and jsonl_chunks over the typed rows a workbook gets, which is how every export
was written before. Names here hold whatever could trip either side: formula prefixes at the
start and after separators, quotes, breaks, COPY's escapes (backslashes, tabs), control
characters, the joiners the fast CSV check relies on, and text beyond ASCII.
"""

import json

import pytest
import sqlalchemy as sa

from scorecards.exports import rows, writers
from scorecards.exports.services import ExportFilter, export
from scorecards.extensions import db
from scorecards.models import ApplicationOutcome
from tests.conftest import ON_POSTGRES

from .conftest import run
from .test_files import DANGEROUS

AWKWARD = [
    *(prefix + "SUM(A1)" for prefix in DANGEROUS),
    "Ana, Souza", "Ana; Souza", 'Say "hi"', "two\r\nlines", "line\nfeed", "a,=1+1", "a;-2",
    "a\t@x", "back\\slash", "\\n not a break", "\\\\", "tab\there", "bell\x07", "unit\x1fsep",
    "record\x1esep", "del\x7f", "line\u2028sep", "Zoë Ångström", "李小龍", "🙂 smile", "O'Brien",
    " ", "'quoted already", "-", "=", "plain name",
]


@pytest.fixture
def awkward(make_application, make_interview, make_user, submit):
    """Store an application, with one submitted scorecard, per awkward name."""
    panel = make_user(name="Ina Terview", email="ina@example.com")
    for n, name in enumerate(AWKWARD):
        application = make_application(name, referrer=None)
        if n % 3 == 0:  # some with a panel, some without
            (card,) = make_interview(application, panel=[panel]).scorecards
            submit(card, {"understanding": 1 + n % 4, "approach": None, "code": 3},
                   "hire" if n % 2 else "no_hire")


def former(kind: str, fmt: str) -> bytes:
    """Return the export written the former way: the writers over typed rows."""
    where = rows.Filter(None, None, None, None, None)
    made = (rows.applications if kind == "applications" else rows.ratings)(where, "xlsx")
    write = writers.csv_chunks if fmt == "csv" else writers.jsonl_chunks
    return b"".join(write(made.columns, made.rows))


@pytest.mark.parametrize("kind", ["applications", "ratings"])
@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
@pytest.mark.parametrize("per_fetch", [5000, 3])
def test_rendered_exports_are_byte_for_byte_the_former_format(awkward, monkeypatch, kind, fmt,
                                                              per_fetch):
    monkeypatch.setattr(rows, "ROWS_PER_FETCH", per_fetch)
    monkeypatch.setattr(writers, "ROWS_PER_CHUNK", 2)  # clean and awkward batches alike
    fast, reference = run(kind, fmt), former(kind, fmt)
    assert fast.splitlines() == reference.splitlines()
    assert fast == reference


def test_every_awkward_name_comes_back_as_typed(awkward):
    found = [json.loads(line)["candidate"] for line in run("applications", "jsonl").splitlines()]
    assert found == AWKWARD


def test_the_progress_of_a_rendered_export_counts_its_rows(awkward, monkeypatch):
    monkeypatch.setattr(rows, "ROWS_PER_FETCH", 4)
    heard = []
    made = export(None, "applications", "csv", ExportFilter(), progress=lambda *s: heard.append(s))
    b"".join(made.chunks)
    assert heard[0] == (0, len(AWKWARD))
    assert heard[-1] == (len(AWKWARD), len(AWKWARD))
    assert [done for done, _ in heard] == sorted(done for done, _ in heard)


def test_missing_results_are_computed_first_once_per_distinct_panel(
        make_application, make_interview, make_user, submit, monkeypatch):
    from scorecards.analytics import outcomes

    first, second = make_user(), make_user()
    for who in (first, second, first):
        (card,) = make_interview(make_application(), panel=[who]).scorecards
        submit(card, {"understanding": 3, "approach": 2, "code": 3})
    (card,) = make_interview(make_application(), panel=[first]).scorecards
    submit(card, {"understanding": 4, "approach": 2, "code": 3})
    make_application()
    kept = run("applications", "jsonl")
    # As after the migration or a bulk load: no result stored.
    db.session.execute(sa.delete(ApplicationOutcome))
    db.session.commit()
    calls = []
    real = outcomes.recommend
    monkeypatch.setattr(outcomes, "recommend", lambda *a, **k: calls.append(1) or real(*a, **k))
    assert run("applications", "jsonl") == kept
    assert len(calls) == 3  # one panel read three times, another, and the empty one
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApplicationOutcome)) == 4
    exported = [json.loads(line) for line in kept.splitlines()]
    assert len(exported) == 5
    assert exported[0]["overall"] == exported[1]["overall"] == exported[2]["overall"]
    assert exported[3]["overall"] != exported[0]["overall"]
    assert exported[4]["overall"] is None
    assert exported[4]["recommended_outcome"] == "incomplete"


@pytest.mark.skipif(not ON_POSTGRES, reason="the SQL neutraliser is PostgreSQL's")
def test_the_sql_neutraliser_agrees_with_the_writers(app):
    from scorecards.exports.copying import csv_text

    for text in AWKWARD:
        assert db.session.scalar(sa.select(csv_text(sa.literal(text)))) == \
            writers._csv_field(writers.neutralise(text, csv=True)), repr(text)


@pytest.mark.skipif(not ON_POSTGRES, reason="lines are written by the database on PostgreSQL")
@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_a_vocabulary_column_writes_its_words_and_any_other_text_as_text(app, fmt):
    from scorecards.exports.copying import TEXT, Words, rendered

    words = Words(("applied", "no_hire"))
    for value in ["applied", "no_hire", *AWKWARD]:
        assert db.session.scalar(sa.select(rendered(sa.literal(value), words, fmt))) == \
            db.session.scalar(sa.select(rendered(sa.literal(value), TEXT, fmt))), repr(value)


def test_only_plain_words_are_written_as_constants():
    from scorecards.exports.copying import Words

    assert Words(("hire", "strong_hire")).words == ("hire", "strong_hire")
    for odd in ("Hire", "no hire", "a,b", 'say"', "=1", ""):
        with pytest.raises(ValueError, match="not plain words"):
            Words(("hire", odd))
