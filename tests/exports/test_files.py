"""What the exported files hold, in each format, compared with the database."""

import csv
import html
import io
import re
import zipfile
from datetime import date, datetime, timedelta

import openpyxl
import pytest
import sqlalchemy as sa

from scorecards.committee.services import candidate_summary
from scorecards.core.vocabulary import ScorecardStatus
from scorecards.exports import rows, services
from scorecards.extensions import db
from scorecards.models import Interview, Rating, RubricVersion, Scorecard, User
from scorecards.timestamps import rfc3339

from .conftest import APPLIED, READERS, read_csv, read_jsonl, read_xlsx, run

FORMATS = ("csv", "xlsx", "jsonl")


def _plain(value):
    """Return a value as CSV writes it (numbers as floats), so rows of every format compare."""
    if value is None:
        return ""
    if isinstance(value, datetime):  # a workbook's date cell holds the UTC time, naive
        return rfc3339(value)
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(value)
    except ValueError:
        pass
    return value


def test_an_application_row_holds_the_panel_scores_and_both_outcomes(record):
    decided, _, _ = record
    rows = {int(row["application_id"]): row for row in read_csv(run("applications", "csv"))}
    row = rows[decided.id]
    summary = candidate_summary(None, decided.id).summary
    stages = {stage.key: stage.score for stage in summary.raw.stages}
    assert row["candidate"] == "Zoë Ångström"
    assert (row["opening"], row["source"], row["referrer"], row["status"]) == (
        "test-opening", "applied", "", "decided")
    assert float(row["score_coding"]) == pytest.approx(stages["coding"], abs=0.005)
    assert float(row["score_design"]) == pytest.approx(stages["design"], abs=0.005)
    assert float(row["overall"]) == pytest.approx(summary.raw.overall, abs=0.005)
    assert row["recommended_outcome"] == summary.outcome.value == "hire"
    assert row["final_outcome"] == "hire"  # the latest decision, not the hold before it
    assert row["applied_at"] == "2024-03-04T09:30:00Z"
    assert row["first_interview_at"] == "2024-03-07T09:30:00Z"
    assert row["decided_at"] == "2024-03-18T09:30:00Z"


def test_an_application_without_a_panel_is_incomplete_with_empty_scores(record):
    _, referred, drafting = record
    rows = {int(row["application_id"]): row for row in read_csv(run("applications", "csv"))}
    assert set(rows) == {a.id for a in record}
    assert rows[referred.id]["referrer"] == "Ana Souza"
    assert rows[referred.id]["score_design"] == ""
    draft = rows[drafting.id]
    assert (draft["score_coding"], draft["overall"], draft["final_outcome"]) == ("", "", "")
    assert draft["recommended_outcome"] == "incomplete"  # a draft never counts


def test_rating_rows_are_the_submitted_ratings_in_the_database(record):
    expected = db.session.execute(
        sa.select(Interview.application_id, Interview.stage_key, User.email,
                  Rating.competency_key, Rating.score, RubricVersion.key,
                  RubricVersion.version, Scorecard.submitted_at)
        .join(Rating.scorecard).join(Scorecard.interview).join(Scorecard.interviewer)
        .join(Interview.rubric_version)
        .where(Scorecard.status == ScorecardStatus.SUBMITTED)).all()
    rows = read_csv(run("ratings", "csv"))
    found = {(int(r["application_id"]), r["stage"], r["interviewer"], r["competency"],
              int(r["score"]) if r["score"] else None, r["rubric"], int(r["rubric_version"]),
              r["submitted_at"]) for r in rows}
    assert len(rows) == len(expected) == 14
    assert found == {(*row[:-1], rfc3339(row[-1])) for row in expected}
    assert {r["candidate"] for r in rows} == {"Zoë Ångström", "Grace Hopper"}
    assert [r["score"] for r in rows if r["candidate"] == "Grace Hopper"].count("") == 1


def test_ratings_come_ordered_by_application_interview_and_competency(record):
    rows = read_jsonl(run("ratings", "jsonl"))
    keys = [(r["application_id"], r["competency"]) for r in rows]
    assert [r["application_id"] for r in rows] == sorted(r["application_id"] for r in rows)
    assert keys[:3] == [(record[0].id, "approach"), (record[0].id, "code"),
                        (record[0].id, "understanding")]


@pytest.mark.parametrize("kind", ["applications", "ratings"])
@pytest.mark.parametrize("fmt", ["xlsx", "jsonl"])
def test_every_format_holds_the_same_rows_as_csv(record, kind, fmt):
    reference = read_csv(run(kind, "csv"))
    rows = READERS[fmt](run(kind, fmt))
    assert [list(row) for row in rows[:1]] == [list(row) for row in reference[:1]]
    assert [{k: _plain(v) for k, v in row.items()} for row in rows] == [
        {k: _plain(v) for k, v in row.items()} for row in reference]


def test_csv_starts_with_a_byte_order_mark_and_keeps_accents(record):
    data = run("applications", "csv")
    assert data.startswith(b"\xef\xbb\xbfapplication_id,candidate,opening,")
    assert "Zoë Ångström".encode() in data


def test_xlsx_has_a_bold_header_numbers_as_numbers_and_dates_as_dates(record):
    decided = record[0]
    import io

    sheet = openpyxl.load_workbook(io.BytesIO(run("applications", "xlsx"))).active
    assert all(cell.font.b for cell in sheet[1])
    header = [cell.value for cell in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == decided.id)
    cell = dict(zip(header, row, strict=True))
    assert cell["applied_at"].is_date  # a typed date cell, not text
    assert cell["applied_at"].data_type == "d"  # a date number, never a string ("s")
    assert cell["applied_at"].value == APPLIED.replace(tzinfo=None)
    # Shown as the RFC 3339 text the other formats write.
    assert cell["applied_at"].number_format == 'yyyy-mm-dd"T"hh:mm:ss"Z"'
    assert isinstance(cell["overall"].value, float)
    assert cell["referrer"].value is None
    ratings = read_xlsx(run("ratings", "xlsx"))
    assert {type(r["score"]) for r in ratings} == {int, type(None)}


def test_jsonl_writes_rfc3339_utc_times_and_nulls(record):
    row = next(r for r in read_jsonl(run("applications", "jsonl"))
               if r["application_id"] == record[0].id)
    assert row["applied_at"] == "2024-03-04T09:30:00Z"
    assert row["referrer"] is None
    assert isinstance(row["overall"], float)


DANGEROUS = ["=", "+", "-", "@", "\t", "\r", "\n", ";", "|", "%", "\uff1d", "\uff0b",
             "\uff0d", "\uff20"]


@pytest.mark.parametrize("prefix", DANGEROUS, ids=[
    "equals", "plus", "minus", "at", "tab", "cr", "lf", "semicolon", "pipe", "percent",
    "fullwidth-equals", "fullwidth-plus", "fullwidth-minus", "fullwidth-at"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_text_that_a_spreadsheet_would_run_as_a_formula_stays_text(
        make_application, make_interview, make_user, submit, prefix, fmt):
    name = prefix + "HYPERLINK(\"http://evil.example\",\"x\")"
    application = make_application(name)
    (card,) = make_interview(application, panel=[make_user()]).scorecards
    submit(card, {"understanding": 3})
    for kind in ("applications", "ratings"):
        data = run(kind, fmt)
        (row,) = READERS[fmt](data)
        # CSV has no cell types: a leading quote keeps it text. A workbook's string cell
        # is never evaluated, and shows the name as typed, with no quote to be seen.
        assert row["candidate"] == ("'" + name if fmt == "csv" else name)
        assert row["application_id"] in (application.id, str(application.id))
    if fmt == "xlsx":
        import io

        sheet = openpyxl.load_workbook(io.BytesIO(data)).active
        assert {cell.data_type for cell in sheet[2]} <= {"s", "n", "d"}  # never "f"
        assert b"<f>" not in data


@pytest.mark.parametrize("text", ["=1+1", "@SUM(A1)", "+1", "-2", "=HYPERLINK(\"x\")"])
def test_a_workbook_stores_formula_like_text_as_a_string_cell_never_a_formula(text):
    from scorecards.exports.writers import xlsx_chunks

    data = b"".join(xlsx_chunks(["candidate", "score"], [(text, 3)]))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
        strings = (archive.read("xl/sharedStrings.xml").decode()
                   if "xl/sharedStrings.xml" in archive.namelist() else "")
    (cell,) = re.findall(r'<c r="A2"[^>]*>.*?</c>', sheet)
    assert re.search(r't="(s|inlineStr)"', cell), cell
    assert "<f>" not in sheet
    assert "<f " not in sheet
    stored = html.escape(text, quote=False)
    assert stored in cell or stored in strings
    assert "'" + stored not in cell + strings


def test_json_lines_keep_text_exactly_as_typed(make_application):
    application = make_application("=1+1")
    (row,) = read_jsonl(run("applications", "jsonl"))
    assert row["candidate"] == "=1+1"
    assert row["application_id"] == application.id


def test_the_neutraliser_leaves_harmless_text_and_numbers_alone():
    from scorecards.exports.writers import neutralise

    assert neutralise("Ada") == "Ada"
    assert neutralise("a=b") == "a=b"
    assert neutralise("") == ""
    assert b"\r\n3,-2.5\r\n" in b"".join(services.WRITERS["csv"][0](["a", "b"], [(3, -2.5)]))


@pytest.mark.parametrize("text", ["Ada;=1+1", "Ada,=1+1", "Ada\t@SUM(A1)", "Ada\n-1+1",
                                  'Ada";=1+1'])
def test_no_reading_of_a_csv_line_starts_a_cell_with_a_formula(text):
    from scorecards.exports.writers import FORMULA_PREFIXES, csv_line

    line = csv_line([1, text, None])
    (row,) = csv.reader(io.StringIO(line, newline=""))
    assert row == ["1", text.replace("=", "'=").replace("@", "'@").replace("\n-", "\n'-"), ""]
    for delimiter in (";", "\t"):  # as spreadsheets of other locales split the same line
        for cells in csv.reader(io.StringIO(line, newline=""), delimiter=delimiter):
            assert not any(cell.startswith(FORMULA_PREFIXES) for cell in cells), cells


def test_hr_reports_and_exports_share_one_neutraliser():
    from scorecards.exports import writers
    from scorecards.hr.services import reports

    assert reports.csv_line is writers.csv_line
    assert writers.csv_line(["@cmd", "+1", 2]) == "'@cmd,'+1,2\r\n"


# Filters.


@pytest.mark.parametrize(("filters", "names"), [
    ({}, {"Zoë Ångström", "Grace Hopper", "Alan Turing"}),
    ({"status": "decided"}, {"Zoë Ångström"}),
    ({"since": date(2024, 3, 24)}, {"Grace Hopper", "Alan Turing"}),
    ({"until": date(2024, 3, 24)}, {"Zoë Ångström", "Grace Hopper"}),
    ({"since": date(2024, 3, 4), "until": date(2024, 3, 4)}, {"Zoë Ångström"}),
    ({"opening": "test-opening", "status": "interviewing"}, {"Grace Hopper"}),
])
def test_applications_are_filtered_by_opening_status_and_day_applied(record, filters, names):
    assert {row["candidate"] for row in read_csv(run("applications", "csv", **filters))} == names


@pytest.mark.parametrize(("filters", "names"), [
    ({"status": "interviewing"}, {"Grace Hopper"}),
    ({"since": date.today()}, {"Zoë Ångström", "Grace Hopper"}),  # submitted today
    ({"until": date.today() - timedelta(days=1)}, set()),
])
def test_ratings_are_filtered_by_application_status_and_day_submitted(record, filters, names):
    assert {row["candidate"] for row in read_csv(run("ratings", "csv", **filters))} == names


def test_an_opening_without_matches_exports_just_the_header(record, catalog):
    from scorecards.models import Opening

    db.session.add(Opening(key="empty", title="Empty", loop_version=catalog))
    db.session.commit()
    assert run("ratings", "csv", opening="empty").decode("utf-8-sig").splitlines() == [
        ",".join(services.RATING_COLUMNS)]
    assert read_xlsx(run("applications", "xlsx", opening="empty")) == []
    assert run("applications", "jsonl", opening="empty") == b""


@pytest.mark.parametrize(("kind", "fmt", "filters", "message"), [
    ("applications", "csv", {"opening": "nope"}, "There is no opening 'nope'."),
    ("applications", "csv", {"status": "hired"}, "There is no application status 'hired'"),
    ("ratings", "csv", {"since": date(2024, 2, 1), "until": date(2024, 1, 1)},
     "The start date 2024-02-01 is after the end date 2024-01-01."),
    ("candidates", "csv", {}, "There is no export of 'candidates'"),
    ("ratings", "pdf", {}, "There is no format 'pdf'"),
])
def test_a_bad_export_is_refused_with_a_message_and_not_recorded(app, catalog, kind, fmt,
                                                                 filters, message):
    from scorecards.models import AuditEvent

    with pytest.raises(services.ExportError, match=message.replace("(", r"\(")):
        services.export(None, kind, fmt, services.ExportFilter(**filters))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "export.created")) == 0


@pytest.mark.parametrize(("texts", "expected"), [
    ({}, services.ExportFilter()),
    ({"opening": " ", "since": "", "status": ""}, services.ExportFilter()),
    ({"opening": "x", "since": "2024-01-02", "until": "2024-02-03", "status": "decided"},
     services.ExportFilter("x", date(2024, 1, 2), date(2024, 2, 3), "decided")),
])
def test_filters_are_read_from_text(texts, expected):
    assert services.parse_filter(**texts) == expected


def test_a_date_that_is_not_a_date_is_refused():
    with pytest.raises(services.ExportError, match="The end date '31/12/2024' is not a date"):
        services.parse_filter(until="31/12/2024")


# The audit trail and the database work.


def test_an_export_is_on_record_with_who_and_filters_before_the_first_byte(record, make_user):
    from scorecards.core.vocabulary import Role
    from scorecards.models import AuditEvent

    hr = make_user(Role.HR)
    made = services.export(hr, "ratings", "xlsx",
                           services.ExportFilter(opening="test-opening", since=date(2024, 1, 1)))
    with db.engine.connect() as other:  # another connection sees only what is committed
        event = other.execute(sa.select(AuditEvent.actor_id, AuditEvent.action,
                                        AuditEvent.details)
                              .where(AuditEvent.action == "export.created")).one()
    assert event.actor_id == hr.id
    assert event.action == "export.created"
    assert event.details == {"kind": "ratings", "format": "xlsx",
                             "filters": {"opening": "test-opening", "since": "2024-01-01"}}
    assert made.filename == "ratings-test-opening-from-2024-01-01.xlsx"
    made.chunks.close()


def test_applications_are_read_in_fetches_with_the_same_queries_per_fetch(
        make_application, make_interview, make_user, submit, monkeypatch):
    from sqlalchemy import event

    who = make_user()
    for _ in range(5):
        (card,) = make_interview(make_application(), panel=[who]).scorecards
        submit(card, {"understanding": 3, "approach": 2, "code": 3})

    def queries(per_batch: int) -> tuple[int, int]:
        monkeypatch.setattr(rows, "ROWS_PER_FETCH", per_batch)
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            found = read_csv(run("applications", "csv"))
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(found), len(statements)

    queries(500)  # warm the caches of parsed loops and rubrics
    (rows_1, one), (rows_3, three), (rows_5, five) = queries(5), queries(2), queries(1)
    assert rows_1 == rows_3 == rows_5 == 5
    # 1, 3 and 5 batches: the queries grow by the same few per batch, not per application.
    assert (three - one) / 2 == (five - three) / 2 <= 5
